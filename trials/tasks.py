"""Background work for trials: imports started from the admin. Tasks take ids only."""

from celery import shared_task
from celery.signals import task_failure
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from .ctgov import runs


# Bounded, whatever goes wrong. A database restart is retried with backoff; a worker killed while importing (out of
# memory, past the hard time limit) retries the run too (retry_on_worker_lost) instead of its message going back to
# the queue (reject_on_worker_lost), where it would kill the next worker and the next, for ever. After the last try
# the run is marked failed, with the reason (mark_failed_import, below).
@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, retry_backoff_max=300,
             max_retries=3, retry_on_worker_lost=True, reject_on_worker_lost=False,
             soft_time_limit=3000, time_limit=3300)
def run_import(run_id):
    """Run one ImportRun. Safe to run twice: records are upserted by NCT id, unchanged ones are left alone."""
    runs.run_import(run_id)


def start_import_run(**fields):
    """Record an import to run in the background (runs.record_import_run) and queue it once the row is committed."""
    run = runs.record_import_run(**fields)
    transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


@task_failure.connect(sender=run_import)
def mark_failed_import(sender=None, exception=None, args=None, **kwargs):
    """The run failed for good: say so on it, unless the import itself already recorded why (it marks a run it
    stopped failed before raising). A worker that vanished left its run "running"."""
    from .models import ImportRun

    if not args:
        return
    reason = ("The import stopped: the worker running it stopped (out of memory or past its time limit) on every "
              f"try ({type(exception).__name__}). Split the file, or raise the worker's memory or time limit.")
    ImportRun.objects.filter(pk=args[0], state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]).update(
        state=ImportRun.State.FAILED, finished_at=timezone.now(), report=reason)
