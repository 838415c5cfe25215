"""Stored compact reasons give back, with no profile and no trial, exactly the sentences the engine gives."""

import json
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given

from tests.trials.eligibility.test_leaves import BORN_1972, HOME, MED_CENTER
from tests.trials.eligibility.test_properties import FAST, PROFILES, SITE_LISTS, TREES
from tests.trials.eligibility.test_sentences import ALL_CASES, TODAY
from tests.trials.eligibility.wording import LANGUAGES, in_both
from trials.eligibility import Profile, SiteLocation, evaluate, trial_rule
from trials.eligibility.evaluate import render_reasons

MORE_CASES = [
    # age in months (fractional bounds), and the bounds quoted converted to months
    ({"age": {"min": 0.5, "max": 2}}, {"birth_date": date(2025, 9, 1)}, ()),
    ({"age": {"min": 0.5}}, {"birth_date": date(2026, 10, 1)}, ()),
    ({"age": {"max": 1.5}}, {}, ()),
    # pregnancy never asked of a male patient
    ({"pregnant": True}, {"sex": "male"}, ()),
    ({"pregnant": False}, {"sex": "male"}, ()),
    # a stage too coarse for the trial's sub-stages quotes the stage and the requirement
    ({"stage": {"min": "IIIB", "max": "IV"}}, {"stage": "III"}, ()),
    # travel: the site's name, and no name when the caller labels sites by id
    ({"travel": True}, {**HOME, "travel_radius_km": 50}, (MED_CENTER,)),
    ({"travel": True}, {**HOME, "travel_radius_km": 5}, (SiteLocation(29.9, -95.5, label=17),)),
]


def stored(verdict):
    """What a Match row gives back: the compact list after a trip through JSON."""
    return json.loads(json.dumps(verdict.to_compact()))


@pytest.mark.parametrize("negate", [False, True])
@pytest.mark.parametrize(("rule", "answers", "sites"), ALL_CASES + MORE_CASES)
def test_rendering_the_stored_compact_reason_gives_the_engines_sentences(rule, answers, sites, negate):
    verdict = evaluate({"not": rule} if negate else rule, Profile(**answers), today=TODAY, sites=list(sites))
    for language in LANGUAGES:
        with translation.override(language):
            assert render_reasons(stored(verdict), translation) == [r.to_dict(translation) for r in verdict.reasons]


@FAST
@given(TREES, PROFILES, SITE_LISTS)
def test_any_tree_and_profile_render_the_same_from_the_compact_form(tree, profile, sites):
    verdict = evaluate(tree, profile, today=TODAY, sites=sites)
    assert render_reasons(stored(verdict)) == [reason.to_dict() for reason in verdict.reasons]


def test_the_compact_age_reason_quotes_the_age_on_the_day_of_evaluation_not_the_birth_date():
    verdict = evaluate({"age": {"min": 18, "max": 75}}, Profile(birth_date=BORN_1972), today=TODAY)
    assert verdict.to_compact() == [{"leaf": "age", "path": "age", "outcome": "met",
                                     "quote": {"value": 54, "min": 18, "max": 75}}]
    assert render_reasons(verdict.to_compact())[0]["coordinator"] == "Age 54 is within 18–75"


def test_the_compact_medication_reason_keeps_the_matched_drug_ids_not_their_names():
    verdict = evaluate({"not": {"medication": ["class:SNRI"]}},
                       Profile(medications=["drug:duloxetine", "drug:lorazepam"]), today=TODAY)
    (compact,) = verdict.to_compact()
    assert compact["quote"] == {"hits": ["drug:duloxetine"]}
    assert compact["negated"] is True and compact["outcome"] == "not_met"
    with translation.override("es"):
        spanish = render_reasons([compact], translation)[0]["patient"]
    assert spanish == "Usted toma duloxetina (IRSN). Este estudio no lo acepta."


def test_an_unknown_reason_stores_no_quote_and_keeps_its_question():
    (compact,) = evaluate({"ecog": {"max": 1}}, Profile(), today=TODAY).to_compact()
    assert compact == {"leaf": "ecog", "path": "ecog", "outcome": "unknown", "question": "ecog"}
    assert in_both(lambda t: tuple(render_reasons([compact], t)[0][k] for k in ("coordinator", "patient")))[0] == {
        "en": "ECOG not given", "es": "No se indicó la puntuación ECOG"}


TYPICAL_TRIAL = trial_rule(
    min_age_years=18, max_age_years=75, sexes=["female"], condition_codes=["onc:NSCLC"], has_sites=True,
    criteria={"all": [
        {"ecog": {"max": 1}},
        {"biomarker": {"gene": "EGFR", "status": "positive"}},
        {"stage": {"in": ["III", "IV"]}},
        {"prior_lines": {"max": 2}},
        {"not": {"prior_therapy": ["class:PD1_PDL1"]}},
        {"not": {"pregnant": True}},
    ]},
)
TYPICAL_PATIENT = Profile(birth_date=BORN_1972, sex="female", condition_codes=["onc:LUAD"], stage="IV", ecog=1,
                          biomarkers={"EGFR": "positive"}, prior_therapies=["drug:carboplatin"], prior_lines=1,
                          **HOME, travel_radius_km=100)


def test_the_compact_form_of_a_typical_trial_is_at_least_three_times_smaller_than_the_sentences():
    verdict = evaluate(TYPICAL_TRIAL, TYPICAL_PATIENT, today=TODAY, sites=[MED_CENTER])
    compact = json.dumps(verdict.to_compact(), ensure_ascii=False).encode()
    # What a row would hold if it stored the sentences in both languages, as rows once did.
    rows = [{**r.to_dict(), **dict(zip(("coordinator", "patient"), in_both(r.sentences), strict=True))}
            for r in verdict.reasons]
    rendered = json.dumps(rows, ensure_ascii=False).encode()
    assert len(verdict.reasons) == 10
    assert len(rendered) >= 3 * len(compact), (len(rendered), len(compact))


def test_the_compact_form_holds_no_birth_date_location_or_postal_code():
    profile = TYPICAL_PATIENT.replace(postal_code="77030")
    text = json.dumps(evaluate(TYPICAL_TRIAL, profile, today=TODAY, sites=[MED_CENTER]).to_compact())
    for private in ("1972-05-01", "77030", str(HOME["latitude"]), str(HOME["longitude"])):
        assert private not in text


def test_a_patient_with_no_travel_limit_is_not_told_about_a_20000_km_radius():
    profile = Profile(latitude=29.70, longitude=-95.40, travel_radius_km=20038)
    verdict = evaluate({"travel": True}, profile, today=TODAY, sites=[SiteLocation(29.71, -95.40)])
    coordinator, patient = in_both(lambda t: tuple(render_reasons(verdict.to_compact(), t)[0][k]
                                                   for k in ("coordinator", "patient")))
    assert coordinator["en"].endswith("no travel limit given")
    assert "20038" not in patient["en"] + patient["es"]
