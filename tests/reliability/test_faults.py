"""Nothing lost, nothing doubled: real workers, a real Redis and a real PostgreSQL, and faults injected into them.

Each test starts its own workers against the private servers of conftest.py, breaks something, and then
asserts on what the database holds. They run in `make test` (and so in .ci/run) with every other test.
"""

import subprocess
import time
from collections import Counter

import pytest
from django.db import connections

from consent.models import Authorization
from matches.models import Match, MatchEvent
from matches.tasks import match_patient, sweep
from trials.models import Trial, TrialTeam

from ..conftest import make_patient, make_trial, make_user, sign
from .conftest import REDIS_PORT, VISIBILITY_TIMEOUT_S, wait_until

pytestmark = pytest.mark.worker


def _lung_trials(count=1, team=None):
    team = team or TrialTeam.objects.create(name="Oncology")
    trials = [make_trial(f"TB-FAULT-{n}", team, codes=["onc:NSCLC"], max_age=80) for n in range(count)]
    return team, trials


def _submit_and_sign(count, start=0):
    patients = []
    for n in range(start, start + count):
        patient = make_patient(full_name=f"Patient {n}", email=f"patient{n}@example.com")
        sign(patient)
        patients.append(patient)
    return patients


def _trials_matched(trials):
    return lambda: Trial.objects.filter(pk__in=[t.pk for t in trials], matched_at__isnull=False).count() == len(trials)


def _all_matched(patients, trials):
    wanted = len(patients) * len(trials)
    return lambda: Match.objects.filter(patient__in=patients, trial__in=trials).count() == wanted


def _redis(*args):
    return subprocess.run(["redis-cli", "-p", str(REDIS_PORT), *args], capture_output=True, text=True).stdout.strip()


def _nothing_in_flight():
    """No message waiting in a queue and none held unacknowledged by a worker: no run is still to come."""
    return _redis("llen", "interactive") == "0" and _redis("llen", "bulk") == "0" and _redis("hlen", "unacked") == "0"


def _assert_each_match_once(patients, trials):
    pairs = Counter(Match.objects.filter(patient__in=patients).values_list("patient_id", "trial_id"))
    assert set(pairs) == {(p.pk, t.pk) for p in patients for t in trials}
    assert set(pairs.values()) == {1}
    created = Counter(
        MatchEvent.objects.filter(match__patient__in=patients, kind=MatchEvent.Kind.CREATED).values_list("match_id")
    )
    assert len(created) == len(pairs) and set(created.values()) == {1}


def test_patients_who_submit_while_redis_is_down_are_kept_and_matched_by_the_sweep_once_it_is_back(cluster):
    _, trials = _lung_trials()
    cluster.start_worker("w1")
    wait_until(_trials_matched(trials), timeout=30, what="the trial's first match run")
    cluster.redis.stop()

    patients = []
    for n in range(5):
        started = time.monotonic()
        patients += _submit_and_sign(1, start=n)
        assert time.monotonic() - started < 10, "a submission must not hang while the broker is down"

    assert Authorization.objects.filter(patient__in=patients).count() == 5
    assert not Match.objects.exists()

    cluster.redis.start()
    sweep.delay()  # what beat does every five minutes
    wait_until(_all_matched(patients, trials), timeout=60, what="the sweep to match everyone")
    wait_until(_nothing_in_flight, timeout=30, what="the queues to drain")
    _assert_each_match_once(patients, trials)


@pytest.mark.parametrize("point", ["inside_write", "after_commit"])
def test_a_worker_killed_mid_match_has_the_match_done_exactly_once_after_a_restart(cluster, point):
    _, trials = _lung_trials(2)
    doomed = cluster.start_worker("doomed", FAULT_POINT=point, FAULT_PAUSE_S=120)
    wait_until(_trials_matched(trials), timeout=30, what="the trials' first match run")
    [patient] = _submit_and_sign(1)
    wait_until(lambda: cluster.markers_at(point), timeout=30, what=f"the worker to reach {point}")

    cluster.kill_worker(doomed)
    patient.refresh_from_db()
    if point == "inside_write":
        # Killed with its rows written but not committed: PostgreSQL rolled all of them back.
        assert not Match.objects.filter(patient=patient).exists()
        assert patient.matched_at is None
    else:
        # Killed after committing, before acknowledging: the message will run again.
        assert Match.objects.filter(patient=patient).count() == 2
    first_matched_at = patient.matched_at

    started = time.monotonic()
    cluster.start_worker("restarted")
    # Redis hands the unacknowledged message back once its visibility timeout has passed.
    wait_until(lambda: Match.objects.filter(patient=patient).count() == 2 and _rematched(patient, first_matched_at),
               timeout=VISIBILITY_TIMEOUT_S + 40, what="the restarted worker to redo the match")
    wait_until(_nothing_in_flight, timeout=30, what="the queues to drain")
    assert time.monotonic() - started >= VISIBILITY_TIMEOUT_S - 1, "redelivered only after the visibility timeout"
    _assert_each_match_once([patient], trials)


def _rematched(patient, before):
    patient.refresh_from_db()
    return patient.matched_at is not None and (before is None or patient.matched_at > before)


def test_workers_ride_out_a_redis_restart_and_a_postgresql_restart_under_load_losing_and_doubling_nothing(cluster):
    _, trials = _lung_trials(2)
    # A little slowness per match keeps work in flight while the servers go down.
    workers = [cluster.start_worker(name, concurrency=2, FAULT_POINT="before_start", FAULT_PAUSE_S=0.15)
               for name in ("a", "b")]
    wait_until(_trials_matched(trials), timeout=30, what="the trials' first match run")

    patients = _submit_and_sign(30)
    wait_until(lambda: len(cluster.markers_at("before_start")) >= 4, timeout=30, what="matching to be under way")
    cluster.redis.restart(down_s=2)
    patients += _submit_and_sign(10, start=30)

    wait_until(lambda: len(cluster.markers_at("before_start")) >= 16, timeout=60, what="matching to resume")
    cluster.postgres.restart(down_s=2)
    connections["default"].close()  # this process's own connection died with the server
    patients += _submit_and_sign(10, start=40)

    sweep.delay()  # what beat does every five minutes, for work lost with a message in flight
    wait_until(_all_matched(patients, trials), timeout=120, what="every patient to be matched")
    wait_until(_nothing_in_flight, timeout=60, what="the queues to drain")
    assert all(worker.poll() is None for worker in workers), "no worker needed a manual restart"
    _assert_each_match_once(patients, trials)

    # And the same workers keep working after the faults.
    late = _submit_and_sign(1, start=50)
    wait_until(_all_matched(late, trials), timeout=30, what="a patient signing after the faults to be matched")


def test_one_patient_matched_by_two_workers_at_once_gets_one_row_per_trial_and_one_digest(cluster):
    team, trials = _lung_trials(2)
    make_user("olga", team, email="olga@example.com")
    for name in ("a", "b"):
        # Both workers wait for each other, then match the same patient at the same moment.
        cluster.start_worker(name, FAULT_POINT="before_start", FAULT_BARRIER=2)
    wait_until(_trials_matched(trials), timeout=30, what="the trials' first match run")

    [patient] = _submit_and_sign(1)  # queues one match on signing
    match_patient.delay(patient.pk)  # and a second, as a sweep racing the signing would
    wait_until(lambda: len(cluster.markers_at("before_start")) == 2, timeout=30, what="both workers to start")
    wait_until(_all_matched([patient], trials), timeout=30, what="the match")
    wait_until(_nothing_in_flight, timeout=30, what="both runs to finish")
    assert len({marker.name.split("-")[1] for marker in cluster.markers_at("before_start")}) == 2
    _assert_each_match_once([patient], trials)

    from matches.tasks import send_digests

    send_digests.delay()
    send_digests.delay()  # two beats firing at once, picked up by two workers
    wait_until(lambda: Match.objects.filter(patient=patient, notified_at__isnull=False).count() == 2, timeout=30,
               what="the digest to be sent")
    wait_until(_nothing_in_flight, timeout=30, what="both digest runs to finish")
    subjects = [line for path in cluster.sent_mail() for line in path.read_text().splitlines()
                if line.startswith("Subject:") and "new match" in line]  # not the patient's status-link email
    assert len(subjects) == 1
    assert "olga@example.com" in "".join(path.read_text() for path in cluster.sent_mail())
