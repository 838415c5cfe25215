import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("trialbridge")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Catch whatever the event-driven path missed: patients or trials changed since their last
    # match, a new engine version, birthdays crossing an age bound, work lost while the broker was down.
    "sweep-stale-matches": {
        "task": "matches.tasks.sweep",
        "schedule": crontab(minute="*/5"),
    },
    # Once a day is enough for ageing: an age bound moves at most once a day per patient.
    "sweep-aged-in": {
        "task": "matches.tasks.sweep",
        "schedule": crontab(hour=3, minute=17),
        "kwargs": {"include_aged": True},
    },
    # Tell each trial team about its new eligible and urgent matches. Every quarter hour: an urgent
    # match reaches its coordinators within 15 minutes, yet a busy intake day makes a few emails, not
    # one per patient. Each match is announced once (Match.notified_at, claimed conditionally).
    "send-new-match-digests": {
        "task": "matches.tasks.send_digests",
        "schedule": crontab(minute="*/15"),
    },
    # Authorizations that ended by themselves while nobody acted (expired, superseded by a version requiring
    # re-consent, the child turned 18). Staff views hide such patients the moment it happens; this marks their
    # matches and e-mails them how to sign again, so once an hour is prompt enough.
    # Intakes nobody signed are kept for UNSIGNED_INTAKE_DAYS only (health data with no authorization behind it):
    # once a day, at a quiet hour, erases those past it; a day late at most.
    "erase-unsigned-intakes": {
        "task": "intake.tasks.erase_unsigned_intakes",
        "schedule": crontab(hour=4, minute=23),
    },
    "sweep-lapsed-authorizations": {
        "task": "consent.tasks.sweep_lapsed_authorizations",
        "schedule": crontab(minute=41),
    },
}


@worker_init.connect
@beat_init.connect
def refuse_unsafe_production(**kwargs):
    """A worker sends the patients' e-mails and beat schedules them: neither starts on incomplete production
    settings (config/checks.py). SystemExit, since Celery logs and ignores a signal handler's other errors."""
    from django.core.exceptions import ImproperlyConfigured

    from config.checks import refuse_to_start_if_unsafe

    try:
        refuse_to_start_if_unsafe()
    except ImproperlyConfigured as error:
        raise SystemExit(str(error)) from None

