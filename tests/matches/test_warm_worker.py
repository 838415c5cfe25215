"""config.celery.warm_matching: what a Celery worker builds as it starts, before forking its pool."""

import gc

import pytest

from config.celery import warm_matching
from matches import services
from tests.conftest import make_trial
from trials.models import Trial
from trials.services import trial_matching_inputs_changed


@pytest.fixture
def empty_cache():
    services.prepared_trials.clear()
    yield services.prepared_trials
    services.prepared_trials.clear()
    gc.unfreeze()


def test_every_recruiting_trial_is_built_and_nothing_else(oncology_team, empty_cache):
    recruiting = make_trial("TB-WARM-1", oncology_team, codes=["onc:NSCLC"])
    closed = make_trial("TB-WARM-2", oncology_team, codes=["onc:NSCLC"], status=Trial.Status.COMPLETED)

    warm_matching()

    assert recruiting.pk in empty_cache.entries
    assert closed.pk not in empty_cache.entries
    assert gc.get_freeze_count() > 0  # the built trees are out of the collector's walks


def test_a_changed_trial_is_rebuilt_not_served_stale(oncology_team, empty_cache):
    trial = make_trial("TB-WARM-3", oncology_team, codes=["onc:NSCLC"])
    warm_matching()
    kept = empty_cache.entries[trial.pk][1]

    trial.max_age_years = 30
    trial.save()
    trial_matching_inputs_changed(trial)  # what every change of a matching input goes through: a new stamp
    trial.refresh_from_db()
    (rebuilt,) = empty_cache.get_many([(trial.pk, trial.criteria_changed_at)])

    assert rebuilt is not kept
    assert empty_cache.entries[trial.pk][1] is rebuilt


def test_the_setting_turns_it_off(oncology_team, empty_cache, settings):
    settings.MATCH_WARM_WORKER = False
    make_trial("TB-WARM-4", oncology_team, codes=["onc:NSCLC"])

    warm_matching()

    assert not empty_cache.entries
