"""Background work for trials: imports started from the admin. Tasks take ids only."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, retry_backoff_max=300,
             max_retries=5, soft_time_limit=3000, time_limit=3300)
def run_import(run_id):
    """Run one ImportRun. Safe to run twice: records are upserted by NCT id, unchanged ones are left alone."""
    services.run_import(run_id)
