"""Background work for trials: imports started from the admin. Tasks take ids only."""

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from .ctgov import runs


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, retry_backoff_max=300,
             max_retries=5, soft_time_limit=3000, time_limit=3300)
def run_import(run_id):
    """Run one ImportRun. Safe to run twice: records are upserted by NCT id, unchanged ones are left alone."""
    runs.run_import(run_id)


def start_import_run(**fields):
    """Record an import to run in the background (runs.record_import_run) and queue it once the row is committed."""
    run = runs.record_import_run(**fields)
    transaction.on_commit(lambda: run_import.delay(run.pk))
    return run
