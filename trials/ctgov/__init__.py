"""ClinicalTrials.gov import: readers (files, folders, archives, JSON shapes, XML), mapping, eligibility text.

    from trials.ctgov import import_paths
    summary = import_paths(["ctg-studies.json.gz", "AllPublicXML/"])
    print("\\n".join(summary.lines()))

Readers, mapping and the eligibility text reader are plain Python; only `importer` touches the database,
and it is imported lazily so that scripts can use this package before Django is set up.
"""

from .readers import RawRecord, iter_bytes, iter_paths


def import_records(records, **options):
    from .importer import import_records as run

    return run(records, **options)


def import_paths(paths, **options):
    return import_records(iter_paths(paths), **options)


__all__ = ["RawRecord", "import_paths", "import_records", "iter_bytes", "iter_paths"]
