from datetime import timedelta

import pytest
import redis
from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from matches import tasks
from matches.models import Match, Status, TaskFailure, TaskHeartbeat
from matches.views.dashboard import broker_queue_lengths

DASHBOARD = "/coordinator/dashboard/"


@shared_task(name="tests.coordinator.always_fails")
def always_fails(patient_id):
    raise KeyError("boom")


def test_dashboard_counts_patients_authorizations_and_matches_by_status(morning_queue, admin_client_):
    morning_queue["onc"][0].move_to(Status.REVIEWING, by=None)
    context = admin_client_.get(DASHBOARD).context
    assert context["patients"]["consented"] == 4
    assert context["authorizations"]["valid"] == 4 and context["authorizations"]["revoked"] == 0
    statuses = {label: count for _, label, count in context["match_statuses"]}
    assert statuses["New"] == 3 and statuses["Reviewing"] == 1


def test_funnel_counts_each_trials_matches_at_every_stage_they_reached(morning_queue, admin_client_, admin_user):
    a, b, c = morning_queue["onc"]
    for status in (Status.REVIEWING, Status.ELIGIBLE, Status.CONTACTED, Status.SCREENING, Status.ENROLLED):
        a.move_to(status, by=admin_user)
    b.move_to(Status.REVIEWING, by=admin_user)
    b.move_to(Status.NOT_ELIGIBLE, by=admin_user)
    funnel = {row["ref"]: row for row in admin_client_.get(DASHBOARD).context["funnel"]}
    assert funnel["TB-TEST-LUNG"]["matched"] == 3
    assert [n for _, n in funnel["TB-TEST-LUNG"]["stages"]] == [2, 1, 1, 1, 1]
    assert [n for _, n in funnel["TB-TEST-MDD"]["stages"]] == [0, 0, 0, 0, 0]


def test_stale_patients_are_consented_ones_never_matched_or_changed_since(morning_queue, admin_client_):
    assert admin_client_.get(DASHBOARD).context["stale_patients"] == 0
    patient = morning_queue["onc"][0].patient
    Patient.objects.filter(pk=patient.pk).update(answers_changed_at=timezone.now() + timedelta(seconds=5))
    Patient.objects.filter(pk=morning_queue["onc"][1].patient_id).update(matched_at=None)
    assert admin_client_.get(DASHBOARD).context["stale_patients"] == 2


def test_a_task_that_fails_for_good_is_recorded_without_its_message(db, settings):
    settings.CELERY_TASK_EAGER_PROPAGATES = False
    from config.celery import app
    app.conf.task_eager_propagates = False
    try:
        always_fails.delay(42)
    finally:
        app.conf.task_eager_propagates = True
    failure = TaskFailure.objects.get()
    assert (failure.task_name, failure.args, failure.exception_type) == ("tests.coordinator.always_fails", [42],
                                                                          "KeyError")
    assert "boom" not in str(failure.__dict__)


def test_dashboard_shows_failures_and_the_last_sweep(db, admin_client_):
    TaskFailure.objects.create(task_name="matches.tasks.match_patient", args=[7], exception_type="OperationalError")
    tasks.sweep.delay()
    assert TaskHeartbeat.objects.filter(task_name="matches.tasks.sweep").exists()
    page = admin_client_.get(DASHBOARD).content.decode()
    assert "OperationalError" in page and "matches.tasks.match_patient" in page
    assert "never recorded</strong>" not in page  # the sweep's heartbeat shows


def test_queue_length_is_unknown_without_a_broker(settings):
    settings.CELERY_BROKER_URL = "memory://localhost/"
    assert broker_queue_lengths() is None


def test_queue_length_reads_the_redis_broker(settings):
    url = "redis://127.0.0.1:6379/5"
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379 to read a queue length from")
    settings.CELERY_BROKER_URL = url
    client.delete("bulk", "interactive")
    client.rpush("bulk", "a", "b", "c")
    try:
        assert broker_queue_lengths() == {"bulk": 3, "interactive": 0}
    finally:
        client.delete("bulk")


def test_dashboard_is_for_admins_only(morning_queue, onc_client):
    assert onc_client.get(reverse("matches:dashboard")).status_code == 404
    assert Match.objects.count() == 4
