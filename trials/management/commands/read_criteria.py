"""Read eligibility items with the importer's reader, so any labelled set can be scored against it.

Input: JSON lines {"id", "section": "inclusion"|"exclusion", "text", "min_age_years", "max_age_years"}.
Output: one JSON line per item, {"id", "suggestions": [<rule>, ...], "screening": true|false}.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from trials.ctgov.criteria.split import EXCLUSION, INCLUSION, Item
from trials.ctgov.eligibility_text import is_screening, read_item


def _age(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number or null")
    return value


class Command(BaseCommand):
    help = "Read eligibility items (JSON lines from FILE, or - for stdin) and write the reader's suggestions."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a JSON-lines file, or - for standard input")

    def handle(self, *args, file, **options):
        try:
            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None
        bad = 0
        with stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                    section, text = record.get("section"), record.get("text")
                    if section not in (INCLUSION, EXCLUSION):
                        raise ValueError('section must be "inclusion" or "exclusion"')
                    if not isinstance(text, str):
                        raise ValueError("text must be a string")
                    ages = (_age(record.get("min_age_years"), "min_age_years"),
                            _age(record.get("max_age_years"), "max_age_years"))
                except ValueError as exc:  # json.JSONDecodeError is a ValueError
                    bad += 1
                    self.stderr.write(f"line {number}: {exc}")
                    continue
                text = " ".join(text.split())
                _, suggestions = read_item(Item(section, text), structured_age=ages)
                self.stdout.write(json.dumps({"id": record.get("id"), "suggestions": [s.rule for s in suggestions],
                                              "screening": is_screening(text)}, ensure_ascii=False))
        if bad:
            raise CommandError(f"{bad} line(s) could not be read; the others were")
