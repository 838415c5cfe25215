"""Suggestions of the new leaves are checked by the engine's own validation, messages naming the path."""

import pytest

from trials.ctgov.criteria.leaves import spec_errors


@pytest.mark.parametrize("rule", [
    {"disease_status": ["relapsed", "refractory"]},
    {"not": {"brain_metastases": "active"}},
    {"not": {"other_cancer": {}}},
    {"not": {"other_cancer": {"within_years": 5}}},
    {"not": {"comorbidity": ["other:HIV", "psy:BIPOLAR", "psy:SCHIZO"]}},
    {"not": {"recent_therapy": {"items": ["therapy:chemotherapy", "drug:ketamine"], "within_weeks": 4}}},
    {"measurable_disease": True},
    {"not": {"suicidal_behavior": {"within_months": 6}}},
    {"all": [{"ecog": {"max": 1}}, {"not": {"pregnant": True}}]},
])
def test_valid_rules_pass(rule):
    assert spec_errors(rule) == []


@pytest.mark.parametrize("rule, message", [
    ({"disease_status": ["cured"]}, "disease_status"),
    ({"brain_metastases": "treated"}, "'any' or 'active'"),
    ({"other_cancer": {"within_years": 30}}, "within_years"),
    ({"comorbidity": ["other:GOUT"]}, "unknown condition code"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 0}}, "within_weeks"),
    ({"recent_therapy": {"items": ["drug:nothing"], "within_weeks": 4}}, "unknown drug"),
    ({"measurable_disease": False}, "must be true"),
    ({"suicidal_behavior": {"within_months": 200}}, "within_months"),
    ({"age": {"min": 50, "max": 40}}, "greater than max"),  # an existing leaf: the engine's own check
])
def test_invalid_rules_are_reported(rule, message):
    assert any(message in m for m in spec_errors(rule))
