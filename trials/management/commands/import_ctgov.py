"""Import ClinicalTrials.gov records: API v2 JSON (any shape, gzip too) and legacy XML files, folders, archives."""

import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from trials.ctgov import import_paths


class Command(BaseCommand):
    help = "Import or refresh trials from ClinicalTrials.gov files; safe to run twice (upsert by NCT id)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders or .tar.gz archives")
        parser.add_argument("--only", nargs="*", default=None, metavar="NCT_ID", help="import only these NCT ids")
        parser.add_argument("--force", action="store_true", help="re-apply records even when unchanged")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")
        parser.add_argument("--all-skips", action="store_true", help="list every skipped record, not the first 50")
        parser.add_argument("--oncotree", metavar="PATH", default=None,
                            help="an OncoTree release file (JSON) to read cancer names with; default $ONCOTREE_PATH")

    def handle(self, *args, paths, only, force, no_progress, all_skips, oncotree, **options):
        if oncotree and not os.path.isfile(oncotree):
            raise CommandError(f"No OncoTree file at {oncotree}")
        bar = tqdm(unit=" records", disable=no_progress, file=self.stderr._out, mininterval=0.5)
        try:
            summary = import_paths(paths, only_refs=only, force=force, progress=bar.update, oncotree=oncotree)
        finally:
            bar.close()
        for line in summary.lines(max_skips=len(summary.skipped) if all_skips else 50):
            self.stdout.write(line)
