"""ClinicalTrials.gov import: readers (files, folders, archives, JSON shapes, XML), mapping, eligibility text.

    from trials.ctgov import import_paths
    summary = import_paths(["ctg-studies.json.gz", "AllPublicXML/"])
    print("\\n".join(summary.lines()))
"""

from .importer import IMPORTER_VERSION, Summary, import_records, record_hash, upsert_study
from .readers import RawRecord, iter_bytes, iter_paths


def import_paths(paths, *, only_refs=None, force=False, run=None, progress=None):
    return import_records(iter_paths(paths), only_refs=only_refs, force=force, run=run, progress=progress)


__all__ = ["IMPORTER_VERSION", "RawRecord", "Summary", "import_paths", "import_records", "iter_bytes",
           "iter_paths", "record_hash", "upsert_study"]
