"""A real Celery worker process, the configured broker and the real database: a patient signs, a match appears."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from matches.models import Match
from tests.conftest import make_patient, sign

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        settings.CELERY_TASK_ALWAYS_EAGER,
        reason="no CELERY_BROKER_URL set: tasks run in-process (set it, as .ci/run does, to test a real worker)",
    ),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the worker process cannot share pytest's in-memory SQLite test database; use DATABASE_URL",
    ),
]


def database_url_for_worker():
    """The test database pytest-django created, as a URL the worker's settings can read."""
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db):
    celery_app.control.purge()
    env = {**os.environ, "DATABASE_URL": database_url_for_worker(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "interactive,bulk", "--pool", "solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"pytest-{os.getpid()}@%h",
         "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited early:\n{process.stdout.read()}")
        if celery_app.control.ping(timeout=1):
            break
    else:
        process.kill()
        pytest.fail("the worker did not answer a ping within 60 s")
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_a_real_worker_makes_the_match_after_the_patient_signs(worker, lung_trial):
    patient = make_patient()
    assert not Match.objects.filter(patient=patient).exists()

    sign(patient)  # commits, then queues match_patient on the broker

    assert wait_for(lambda: Match.objects.filter(patient=patient, trial=lung_trial).exists()), (
        "no match within 60 s; worker output:\n" + (worker.stdout.read() if worker.poll() is not None else "")
    )
    match = Match.objects.get(patient=patient, trial=lung_trial)
    assert match.verdict == "eligible"
    assert {reason["leaf"] for reason in match.reasons} >= {"age", "condition", "ecog"}
