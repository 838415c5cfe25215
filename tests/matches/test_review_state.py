"""Matching passes each trial's review state into its rule: pending items keep a match at "possible", and
reviewing the last item re-matches the trial to "eligible"."""

import pytest

from matches.models import Match
from tests.conftest import make_patient, make_trial, sign
from trials.models import ItemReview, Trial
from trials.services import review_items, trial_matching_inputs_changed

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = [
    {"section": "inclusion", "text": "ECOG 0-1", "understood": True},
    {"section": "inclusion", "text": "Adequate organ function", "understood": False},
    {"section": "exclusion", "text": "Pregnancy", "understood": True},
]


@pytest.fixture
def registry_trial(oncology_team):
    trial = make_trial("NCT90000777", oncology_team, codes=["onc:NSCLC"], max_age=75)
    Trial.objects.filter(pk=trial.pk).update(source=Trial.Source.CTGOV, eligibility_items=ITEMS)
    trial.refresh_from_db()
    trial_matching_inputs_changed(trial)
    return trial


def test_a_match_to_a_trial_under_review_is_possible_and_says_how_far_the_review_got(registry_trial):
    patient = make_patient()
    sign(patient)
    match = Match.objects.get(patient=patient, trial=registry_trial)
    assert match.verdict == "possible" and match.questions == []
    review = [r for r in match.reason_sentences() if r["leaf"] == "criteria_review"]
    assert [r["coordinator"] for r in review] == ["Criteria reviewed: 0 of 3 items"]


def test_reviewing_the_last_item_rematches_the_trial_to_eligible(registry_trial, admin_user):
    patient = make_patient()
    sign(patient)
    review_items(trial=registry_trial, by=admin_user, decisions={
        0: (ItemReview.ACCEPTED, [{"ecog": {"max": 1}}]), 1: (ItemReview.SCREENING, [])})
    match = Match.objects.get(patient=patient, trial=registry_trial)
    assert match.verdict == "possible"
    assert "Criteria reviewed: 2 of 3 items" in [r["coordinator"] for r in match.reason_sentences()]

    review_items(trial=registry_trial, by=admin_user, decisions={2: (ItemReview.NOT_CRITERION, [])})
    match.refresh_from_db()
    assert match.verdict == "eligible"
    assert "criteria_review" not in [r["leaf"] for r in match.reason_sentences()]


def test_fully_reviewed_trials_rank_above_trials_under_review(registry_trial, oncology_team):
    reviewed = make_trial("TB-REVIEWED", oncology_team, codes=["onc:NSCLC"],
                          criteria={"all": [{"measurable_disease": True}]})  # possible: a question is open
    patient = make_patient()
    sign(patient)
    by_score = list(Match.objects.filter(patient=patient).order_by("-score").values_list("trial__ref", "verdict"))
    assert by_score == [(reviewed.ref, "possible"), (registry_trial.ref, "possible")]
