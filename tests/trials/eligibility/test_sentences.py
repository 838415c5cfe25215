"""Every leaf outcome, plain or under `not`, has sentences in English and Spanish for both audiences."""

from datetime import date

import pytest

from tests.trials.eligibility.test_leaves import CASES, TRAVEL_CASES
from trials.eligibility import Profile, SiteLocation, evaluate

TODAY = date(2026, 11, 27)
ALL_CASES = [(rule, answers, ()) for rule, answers, _ in CASES] + [
    ({"travel": True}, answers, sites) for sites, answers, _ in TRAVEL_CASES]


def reason_for(rule, answers, sites=()):
    return evaluate(rule, Profile(**answers), today=TODAY, sites=list(sites)).reasons[0]


@pytest.mark.parametrize("negate", [False, True])
@pytest.mark.parametrize(("rule", "answers", "sites"), ALL_CASES)
def test_every_leaf_outcome_has_english_and_spanish_sentences(rule, answers, sites, negate):
    reason = reason_for({"not": rule} if negate else rule, answers, sites)
    for audience in (reason.coordinator, reason.patient):
        assert set(audience) == {"en", "es"}
        for text in audience.values():
            assert text.strip() and "{" not in text and "None" not in text
        assert audience["en"] != audience["es"]


def sentences(rule, **answers):
    reason = reason_for(rule, answers)
    return reason.coordinator, reason.patient


def test_an_excluded_medication_names_the_drug_and_its_class():
    rule = {"not": {"medication": ["class:SNRI", "class:MAOI"]}}
    coordinator, patient = sentences(rule, medications=["drug:duloxetine"])
    assert coordinator == {"en": "Takes duloxetine (SNRI), which the trial excludes",
                           "es": "Toma duloxetina (IRSN), lo cual el estudio excluye"}
    assert patient["es"] == "Usted toma duloxetina (IRSN). Este estudio no lo acepta."


def test_an_absent_excluded_medication_reads_as_a_requirement_met():
    coordinator, _ = sentences({"not": {"medication": ["class:MAOI"]}}, medications=["drug:sertraline"])
    assert coordinator["en"] == "Takes none of: MAOI, as the trial requires"
    assert coordinator["es"] == "No toma ninguno de estos: IMAO, como exige el estudio"


def test_an_unknown_ecog_is_said_plainly_in_spanish():
    coordinator, patient = sentences({"ecog": {"max": 1}})
    assert coordinator == {"en": "ECOG not given", "es": "No se indicó la puntuación ECOG"}
    assert patient["es"] == "Todavía no sabemos su puntuación ECOG."


def test_a_negated_yes_no_fact_reads_as_its_opposite():
    coordinator, _ = sentences({"not": {"pregnant": True}}, pregnant=False)
    assert coordinator == {"en": "Not pregnant, as required", "es": "No embarazada, como se requiere"}
    coordinator, _ = sentences({"not": {"pregnant": True}}, pregnant=True)
    assert coordinator["en"] == "Pregnant, which the trial excludes"


def test_a_negated_biomarker_reads_as_the_opposite_status():
    rule = {"not": {"biomarker": {"gene": "EGFR", "status": "positive"}}}
    coordinator, _ = sentences(rule, biomarkers={"EGFR": "positive"})
    assert coordinator == {"en": "EGFR positive; the trial requires negative",
                           "es": "EGFR positivo; el estudio requiere negativo"}


def test_range_sentences_name_the_bound_that_failed():
    assert sentences({"phq9": {"min": 15}}, phq9=9)[0] == {
        "en": "PHQ-9 9 is below the minimum of 15", "es": "La puntuación PHQ-9 9 es menor que el mínimo de 15"}
    assert sentences({"ecog": {"max": 1}}, ecog=3)[0]["es"] == "La puntuación ECOG 3 supera el máximo de 1"


def test_the_condition_sentence_names_both_codes():
    coordinator, patient = sentences({"condition": ["onc:NSCLC"]}, condition_codes=["onc:LUAD"])
    assert coordinator["en"] == "Diagnosis Lung adenocarcinoma matches Non-small cell lung cancer"
    assert "Adenocarcinoma de pulmón" in patient["es"]


def test_the_travel_sentence_gives_km_and_miles_to_the_patient():
    verdict = evaluate({"travel": True}, Profile(latitude=29.76, longitude=-95.37, travel_radius_km=50), TODAY,
                       [SiteLocation(29.71, -95.40, label="TMC")])
    reason = verdict.reasons[0]
    assert "(TMC)" in reason.coordinator["en"]
    assert "miles" in reason.patient["en"] and "millas" in reason.patient["es"]


def test_a_male_patient_is_not_asked_about_pregnancy():
    verdict = evaluate({"not": {"pregnant": True}}, Profile(sex="male"), today=TODAY)
    assert verdict.outcome == "eligible"
    assert verdict.reasons[0].patient["en"] == "This question does not apply to you."
