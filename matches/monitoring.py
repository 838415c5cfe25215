"""What the admins' dashboard knows about the background jobs, recorded from Celery's own signals.

Connected when matches.tasks is imported, which every worker does (autodiscovery).
"""

import logging

from celery.signals import task_failure, task_success
from django.utils import timezone

log = logging.getLogger(__name__)

# Periodic tasks whose last success the dashboard shows; the per-patient tasks are too many to record.
HEARTBEAT_TASKS = {"matches.tasks.sweep", "matches.tasks.send_digests"}


@task_failure.connect
def record_task_failure(sender=None, task_id=None, exception=None, args=None, **kwargs):
    from .models import TaskFailure

    try:
        TaskFailure.objects.create(
            task_name=getattr(sender, "name", str(sender))[:200],
            task_id=str(task_id or "")[:64],
            # Tasks take ids only, so the arguments are safe to keep; anything else is dropped.
            args=[a for a in (args or []) if isinstance(a, (int, bool)) or a is None],
            exception_type=type(exception).__qualname__[:200],
        )
    except Exception:  # noqa: BLE001 - the database may be why the task failed; never mask the failure
        log.exception("could not record the failure of task %s", task_id)


@task_success.connect
def record_heartbeat(sender=None, **kwargs):
    from .models import TaskHeartbeat

    name = getattr(sender, "name", "")
    if name not in HEARTBEAT_TASKS:
        return
    try:
        TaskHeartbeat.objects.update_or_create(task_name=name, defaults={"last_success_at": timezone.now()})
    except Exception:  # noqa: BLE001
        log.exception("could not record the success of %s", name)
