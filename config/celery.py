import os

from celery import Celery
from celery.schedules import crontab

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
}
