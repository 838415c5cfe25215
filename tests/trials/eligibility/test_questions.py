"""Every unknown leaf names a question, and every question is described as plain data a form can be built from."""

import json
from dataclasses import fields
from datetime import date

import pytest
from django.utils import translation

from trials.eligibility import LEAVES, QUESTIONS, Profile, evaluate, question

TODAY = date(2026, 11, 27)

UNKNOWNS = [  # rule, answers, the question that would settle it
    ({"disease_status": ["relapsed"]}, {}, "disease_status"),
    ({"brain_metastases": "active"}, {}, "brain_metastases"),
    ({"measurable_disease": True}, {}, "measurable_disease"),
    ({"other_cancer": {"within_years": 5}}, {}, "other_cancer"),
    ({"other_cancer": {"within_years": 5}}, {"other_cancer": True}, "other_cancer_years_ago"),
    ({"comorbidity": ["other:HIV"]}, {"condition_codes": ["onc:LUAD"]}, "comorbidities"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}}, {}, "last_therapy_weeks"),
    ({"suicidal_behavior": {}}, {}, "suicidal_behavior"),
    ({"suicidal_behavior": {"within_months": 6}}, {"suicidal_behavior": True}, "suicidal_behavior_months_ago"),
    ({"biomarker": {"gene": "her2", "status": "positive"}}, {}, "biomarkers.HER2"),
    ({"travel": True}, {}, "location"),
    ({"travel": True}, {"latitude": 29.7, "longitude": -95.4}, "travel_radius_km"),
    ({"age": {"min": 18}}, {}, "birth_date"),
]


@pytest.mark.parametrize(("rule", "answers", "key"), UNKNOWNS)
def test_an_unknown_leaf_asks_the_question_that_would_settle_it(rule, answers, key):
    verdict = evaluate({"not": rule}, Profile(**answers), today=TODAY)
    assert verdict.outcome == "possible"
    assert verdict.questions == [key]
    assert question(key) is not None


PATIENT_LEAVES = [leaf for leaf in LEAVES.values() if leaf.waits_on == "patient"]


def test_every_leaf_reads_only_facts_the_profile_has():
    profile_fields = {f.name for f in fields(Profile) if f.init}
    for leaf in PATIENT_LEAVES:
        assert leaf.facts and set(leaf.facts) <= profile_fields, leaf.name


def test_a_leaf_that_waits_on_the_study_team_reads_no_patient_fact_and_asks_nothing():
    waiting = [leaf for leaf in LEAVES.values() if leaf.waits_on != "patient"]
    assert [leaf.name for leaf in waiting] == ["criteria_review"]
    assert all(not leaf.facts and not leaf.questions for leaf in waiting)


def test_every_leaf_declares_a_question_and_every_question_is_json():
    assert all(leaf.questions for leaf in PATIENT_LEAVES)
    for key, asked in QUESTIONS.items():
        data = json.loads(json.dumps(asked.to_dict()))
        assert data["key"] == key and data["label"] and data["kind"] in (
            "date", "choice", "yes_no", "number", "codes", "questionnaire", "location", "when")


def spanish(key):
    with translation.override("es"):
        return question(key).to_dict(translation)


def test_a_question_reads_in_spanish_through_the_catalog_with_its_choices():
    asked = spanish("disease_status")
    assert asked["label"] == "¿Qué describe mejor su enfermedad ahora?"
    assert [c["value"] for c in asked["choices"]] == ["newly_diagnosed", "relapsed", "refractory", "remission"]
    assert asked["choices"][1]["label"] == "Volvió después del tratamiento (recaída)"


def test_a_code_question_names_its_codes_from_the_vocabulary_in_the_language():
    asked = spanish("comorbidities")
    assert asked["vocabulary"] == "conditions"
    assert {"value": "other:HIV", "label": "Infección por VIH"} in asked["choices"]
    assert {"value": "psy:PSYCHOSIS", "label": "Trastorno psicótico (psicosis)"} in asked["choices"]


def test_a_when_question_gives_its_intervals_in_weeks():
    asked = question("last_therapy_weeks").to_dict()
    assert asked["unit"] == "weeks"
    assert [c["value"] for c in asked["choices"]] == [[0, 4], [4, 13], [13, None]]
    assert spanish("last_therapy_weeks")["choices"][0]["label"] == "En las últimas 4 semanas"
