"""Background work. Tasks take ids only (never health data), re-read everything, and are safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction

# monitoring connects the task failure / heartbeat handlers in every worker, which all import this module.
from . import monitoring, notifications, services  # noqa: F401
from .models import Trigger

log = logging.getLogger(__name__)

# Transient failures worth retrying: the database restarting or a dropped connection.
TRANSIENT = (OperationalError, InterfaceError)
# Backoff 2, 4, 8 … s (jittered), capped below the broker's visibility timeout: a retry waits in the worker
# with a countdown, and one held longer than that timeout would be handed to a second worker as well.
# Ten tries span ~15 minutes with the production cap; what still fails is left to the periodic sweep.
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": 2,
         "retry_backoff_max": min(300, settings.VISIBILITY_TIMEOUT_S // 2), "retry_jitter": True, "max_retries": 10}


@shared_task(**RETRY)
def match_patient(patient_id, trigger=Trigger.NEW_INTAKE):
    services.match_patient(patient_id, trigger=trigger)


@shared_task(**RETRY)
def match_trial(trial_id, trigger=Trigger.TRIAL_CHANGED):
    services.match_trial(trial_id, trigger=trigger)


@shared_task(**RETRY)
def sweep(include_aged=False):
    """Re-queue whatever is stale (DESIGN.md, matching step 4), trials whose recruiting status went unconfirmed
    since their last match included."""
    patient_ids = services.stale_patient_ids(include_aged=include_aged)
    trial_ids = services.stale_trial_ids()
    for patient_id in patient_ids:
        match_patient.delay(patient_id, Trigger.SWEEP)
    for trial_id in trial_ids:
        match_trial.delay(trial_id, Trigger.TRIAL_CHANGED)
    log.info("sweep queued patients=%s trials=%s", len(patient_ids), len(trial_ids))
    return {"patients": len(patient_ids), "trials": len(trial_ids)}


def _send(task, *args):
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a broker outage must not lose the intake; the sweep catches up
        log.exception("could not queue %s; the periodic sweep will retry", task.name)


def queue_after_commit(task, *args):
    """Queue a task once the current transaction commits (never before: the worker would not see its rows);
    a broker outage is logged, not raised."""
    transaction.on_commit(lambda: _send(task, *args))


@shared_task(**RETRY)
def send_team_digest(team_id):
    return notifications.send_team_digest(team_id)


@shared_task(**RETRY)
def send_safety_alert():
    return notifications.send_safety_alert()


@shared_task(**RETRY)
def send_digests():
    """Fan out one digest task per team with news, and the safety team's alert; each claims its own rows, so
    overlaps are harmless."""
    team_ids = notifications.teams_with_news()
    for team_id in team_ids:
        send_team_digest.delay(team_id)
    send_safety_alert.delay()
    return {"teams": len(team_ids)}
