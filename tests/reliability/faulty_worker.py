"""A real Celery worker with an optional pause injected into matching, so a test can strike mid-match.

Run as `python -m tests.reliability.faulty_worker worker -Q interactive,bulk ...`. The pause comes from
the environment of that worker only (a restarted worker without it runs normally):

- FAULT_POINT=inside_write: after the match rows are written, before their transaction commits
  (the patient row is locked; killing the worker now rolls the whole write back);
- FAULT_POINT=after_commit: after matching committed, before the task is acknowledged;
- FAULT_POINT=before_start: before matching begins; with FAULT_BARRIER=n the worker also waits until
  n workers reached this point, so they then match at the same moment.

Each time a worker reaches the point it drops a marker file in FAULT_MARKER_DIR, so the test knows.
"""

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from config.celery import app  # noqa: E402
from matches import services  # noqa: E402
from matches.services import matching  # noqa: E402

POINT = os.environ.get("FAULT_POINT", "")
PAUSE_S = float(os.environ.get("FAULT_PAUSE_S", "0"))
BARRIER = int(os.environ.get("FAULT_BARRIER", "0"))
MARKERS = Path(os.environ.get("FAULT_MARKER_DIR", "/tmp"))


def _reached(point):
    (MARKERS / f"{point}-{os.getpid()}-{time.monotonic_ns()}").touch()
    if BARRIER:
        deadline = time.monotonic() + 20
        while len(list(MARKERS.glob(f"{point}-*"))) < BARRIER and time.monotonic() < deadline:
            time.sleep(0.02)
    time.sleep(PAUSE_S)


def _wrap(module, name, point, before):
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        if before:
            _reached(point)
        result = original(*args, **kwargs)
        if not before:
            _reached(point)
        return result

    setattr(module, name, wrapper)


if POINT == "inside_write":
    _wrap(matching, "_upsert", POINT, before=False)
elif POINT == "after_commit":
    _wrap(services, "match_patient", POINT, before=False)
elif POINT == "before_start":
    _wrap(services, "match_patient", POINT, before=True)
elif POINT:
    sys.exit(f"unknown FAULT_POINT {POINT!r}")

if __name__ == "__main__":
    app.worker_main(sys.argv[1:])
