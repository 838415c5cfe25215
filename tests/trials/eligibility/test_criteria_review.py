"""While a trial's free-text items are pending, the best verdict is "possible", and such trials rank last."""

from datetime import date

import pytest
from django.utils import translation

from trials.eligibility import (
    Profile,
    SiteLocation,
    evaluate,
    render_reasons,
    trial_rule,
    validate_criteria,
    validate_rule,
)

TODAY = date(2026, 11, 27)
LUNG = Profile(birth_date=date(1970, 5, 1), sex="female", condition_codes=["onc:LUAD"], ecog=1,
               latitude=29.71, longitude=-95.40, travel_radius_km=100)
HOUSTON = [SiteLocation(29.7079, -95.4016)]


def lung_trial(review=None, criteria=None):
    return trial_rule(min_age_years=18, condition_codes=["onc:NSCLC"], criteria=criteria, has_sites=True,
                      review=review)


def test_a_trial_with_pending_items_is_possible_even_when_every_rule_is_met():
    verdict = evaluate(lung_trial(review=(4, 27)), LUNG, TODAY, HOUSTON)
    assert verdict.outcome == "possible"
    assert verdict.questions == []  # nothing the patient could answer settles it
    assert [(r.leaf, r.outcome) for r in verdict.reasons][-1] == ("criteria_review", "unknown")


def test_the_same_trial_fully_reviewed_is_eligible():
    assert evaluate(lung_trial(review=None), LUNG, TODAY, HOUSTON).outcome == "eligible"
    assert "criteria_review" not in str(lung_trial(review=None))


def test_a_rule_not_met_still_rules_the_trial_out_while_items_are_pending():
    verdict = evaluate(lung_trial(review=(0, 12), criteria={"ecog": {"max": 0}}), LUNG, TODAY, HOUSTON)
    assert verdict.outcome == "not_eligible"


def test_the_reason_quotes_how_far_the_review_got_for_the_coordinator_and_reassures_the_patient():
    compact = evaluate(lung_trial(review=(4, 27)), LUNG, TODAY, HOUSTON).to_compact()
    assert compact[-1] == {"leaf": "criteria_review", "path": "all[3].criteria_review", "outcome": "unknown",
                           "quote": {"reviewed": 4, "total": 27}}
    english = render_reasons(compact)[-1]
    assert english["coordinator"] == "Criteria reviewed: 4 of 27 items"
    assert english["patient"] == "The study team checks the rest of what this trial asks for."
    with translation.override("es"):
        spanish = render_reasons(compact, translation)[-1]
    assert spanish["coordinator"] == "Criterios revisados: 4 de 27 elementos"
    assert spanish["patient"] == "El equipo del estudio comprueba el resto de lo que pide este ensayo."


def test_a_registry_trial_with_no_items_says_nothing_was_reviewed():
    reason = evaluate(lung_trial(review=(0, 0)), LUNG, TODAY, HOUSTON).reasons[-1]
    assert reason.sentences()[0] == "Criteria not reviewed: the registry lists no eligibility items"


def test_fully_reviewed_trials_rank_first():
    eligible = evaluate(lung_trial(), LUNG, TODAY, HOUSTON).score
    # Reviewed, but the patient has not said something the trial asks: waits only on the patient.
    unanswered = evaluate(lung_trial(criteria={"measurable_disease": True}), LUNG, TODAY, HOUSTON).score
    # Everything the engine knows is met, but items are pending: waits on the study team.
    pending = evaluate(lung_trial(review=(26, 27)), LUNG, TODAY, HOUSTON).score
    far_pending = evaluate(lung_trial(review=(0, 27)), LUNG.replace(travel_radius_km=3000), TODAY,
                           [SiteLocation(40.7, -74.0)]).score
    assert eligible > unanswered > pending
    assert 1.5 <= unanswered < 2 and 1 <= pending < 1.5 and 1 <= far_pending < pending


@pytest.mark.parametrize(("spec", "message"), [
    ({"reviewed": 5, "total": 3}, "criteria_review: reviewed 5 is more than total 3"),
    ({"reviewed": -1, "total": 3}, "criteria_review.reviewed: must be a whole number, 0 or more"),
    ({"total": 3}, "criteria_review.reviewed: missing"),
    ({"reviewed": 1, "total": 3, "by": "x"}, "criteria_review.by: unknown key (use reviewed and total)"),
])
def test_a_malformed_review_spec_is_refused_with_its_path(spec, message):
    assert message in validate_rule({"criteria_review": spec})


def test_an_admin_cannot_write_the_review_state_into_curated_criteria():
    criteria = {"all": [{"ecog": {"max": 1}}, {"not": {"criteria_review": {"reviewed": 1, "total": 2}}}]}
    assert validate_rule(criteria) == []
    assert validate_criteria(criteria) == [
        "all[1].not.criteria_review: comes from the trial's review of its eligibility items, not from criteria"]
