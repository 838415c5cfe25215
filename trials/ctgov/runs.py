"""Imports started from the admin: an ImportRun row holds the upload (or a server path) and what came of it."""

from django.utils import timezone

from ..models import ImportRun
from .importer import import_records
from .readers import iter_bytes, iter_paths


def record_import_run(*, filename, payload=None, source_path="", only_refs=(), force=False, user=None):
    """A queued ImportRun; trials.tasks.start_import_run records one and queues it after commit."""
    return ImportRun.objects.create(filename=filename[:255], payload=payload, source_path=source_path[:500],
                                    only_refs=sorted(set(only_refs)), force=force, created_by=user)


def run_import(run_id):
    """Run a queued ImportRun: the uploaded bytes (or a server path) through the same importer as the command."""
    claimed = ImportRun.objects.filter(pk=run_id, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]).update(
        state=ImportRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None  # done already, or gone: running twice changes nothing
    run = ImportRun.objects.get(pk=run_id)
    records = (iter_bytes(run.filename, bytes(run.payload)) if run.payload is not None
               else iter_paths([run.source_path]))
    try:
        summary = import_records(records, only_refs=run.only_refs, force=run.force, run=run)
    except Exception as exc:
        ImportRun.objects.filter(pk=run_id).update(
            state=ImportRun.State.FAILED, finished_at=timezone.now(), report=f"The import stopped: {exc!r}"[:2000]
        )
        raise
    ImportRun.objects.filter(pk=run_id).update(
        state=ImportRun.State.DONE, finished_at=timezone.now(), summary=summary.to_dict(),
        report="\n".join(summary.lines(max_skips=200)),
    )
    return summary
