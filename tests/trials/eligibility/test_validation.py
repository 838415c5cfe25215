"""validate_rule names every problem by its path in the tree's own notation."""

import json

import pytest
from jsonschema import Draft202012Validator

from trials.eligibility import RuleError, check_rule, rule_schema, trial_rule, validate_rule

GOOD = trial_rule(min_age_years=18, max_age_years=75, sexes=["female"], condition_codes=["onc:NSCLC"], has_sites=True,
                  criteria={"all": [{"ecog": {"max": 1}}, {"stage": {"in": ["III", "IV"]}},
                                    {"biomarker": {"gene": "HER2", "status": "positive"}},
                                    {"not": {"medication": ["class:MAOI", "drug:duloxetine"]}},
                                    {"any": [{"prior_therapy": ["therapy:radiation", "class:PLATINUM"]},
                                             {"prior_lines": {"min": 1, "max": 3}}]},
                                    {"age": {"min": 0.5}}, {"phq9": {"min": 10}}, {"gad7": {"max": 21}},
                                    {"antidepressant_trials": {"min": 2}}, {"metastatic": True},
                                    {"not": {"suicidal_ideation": True}}, {"not": {"pregnant": True}},
                                    {"disease_status": ["relapsed", "refractory"]},
                                    {"not": {"brain_metastases": "active"}}, {"measurable_disease": True},
                                    {"not": {"other_cancer": {"within_years": 3}}}, {"not": {"other_cancer": {}}},
                                    {"not": {"comorbidity": ["other:HIV", "other:HEPATITIS", "psy:BIPOLAR"]}},
                                    {"not": {"recent_therapy": {"items": ["therapy:chemotherapy", "class:PD1_PDL1"],
                                                                "within_weeks": 4}}},
                                    {"not": {"suicidal_behavior": {"within_months": 12}}}]})


def test_a_good_rule_has_no_messages_and_passes_the_json_schema():
    assert validate_rule(GOOD) == []
    assert list(Draft202012Validator(rule_schema()).iter_errors(GOOD)) == []
    assert check_rule(GOOD) is GOOD


def test_the_schema_file_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(rule_schema())
    assert rule_schema()["$schema"].endswith("2020-12/schema")


@pytest.mark.parametrize(("rule", "message"), [
    ({"all": [{"age": {"min": 18}}, {"sex": ["female"]}, {"ecog": {"max": 9}}]},
     "all[2].ecog.max: must be an integer 0–5"),
    ({"ecog": {"max": 1.5}}, "ecog.max: must be an integer 0–5"),
    ({"phq9": {"min": 28}}, "phq9.min: must be an integer 0–27"),
    ({"gad7": {"min": -1}}, "gad7.min: must be an integer 0–21"),
    ({"age": {"min": "18"}}, "age.min: must be a number 0–120"),
    ({"age": {"min": 80, "max": 18}}, "age: min 80 is greater than max 18"),
    ({"age": {"minimum": 18}}, "age.minimum: unknown key (use min and max)"),
    ({"age": {}}, "age: must be an object with min, max or both"),
    ({"any": [{"condition": ["onc:NSCLC", "onc:NOPE"]}]}, "any[0].condition[1]: unknown condition code 'onc:NOPE'"),
    ({"not": {"medication": ["drug:nope"]}}, "not.medication[0]: unknown drug or drug class 'drug:nope'"),
    ({"medication": ["therapy:radiation"]}, "medication[0]: unknown drug or drug class 'therapy:radiation'"),
    ({"prior_therapy": ["therapy:magic"]}, "prior_therapy[0]: unknown drug, drug class or therapy 'therapy:magic'"),
    ({"all": [{"biomarker": {"gene": "NOPE1", "status": "positive"}}]}, "all[0].biomarker.gene: unknown gene 'NOPE1'"),
    ({"biomarker": {"gene": "EGFR", "status": "mutated"}}, "biomarker.status: must be 'positive' or 'negative'"),
    ({"sex": ["F"]}, "sex[0]: must be 'female' or 'male'"),
    ({"stage": {"in": ["III", "V"]}}, "stage.in[1]: must be a stage 0, I, II, III or IV"),
    ({"stage": {"min": "IIID"}}, "stage.min: must be a stage 0, I, II, III or IV"),
    ({"metastatic": "yes"}, "metastatic: must be true or false"),
    ({"travel": False}, "travel: must be true"),
    ({"all": []}, "all: must be a non-empty list of criteria"),
    ({"all": [{"age": {"min": 1}, "sex": ["male"]}]},
     'all[0]: must have exactly one key, has 2 (age, sex); wrap several in "all"'),
    ({"all": [{"nope": 1}]}, "all[0].nope: unknown criterion 'nope'"),
    ([], "rule: must be an object"),
    ({"condition": ["onc:LUNG", "onc:LUNG"]}, "condition: lists a code twice"),
    ({"condition": ["other:HIV"]}, "condition[0]: 'other:HIV' is not a diagnosis trials are about (use comorbidity)"),
    # the new leaves
    ({"disease_status": []},
     "disease_status: must be a non-empty list of 'newly_diagnosed', 'relapsed', 'refractory' and/or 'remission'"),
    ({"disease_status": ["relapsed", "cured"]},
     "disease_status[1]: must be 'newly_diagnosed', 'relapsed', 'refractory' or 'remission'"),
    ({"disease_status": ["relapsed", "relapsed"]}, "disease_status: lists a value twice"),
    ({"brain_metastases": "yes"}, "brain_metastases: must be 'any' or 'active'"),
    ({"not": {"brain_metastases": True}}, "not.brain_metastases: must be 'any' or 'active'"),
    ({"measurable_disease": False}, "measurable_disease: must be true"),
    ({"other_cancer": True}, 'other_cancer: must be {} (ever) or {"within_years": N}'),
    ({"other_cancer": {"within_years": 21}}, "other_cancer.within_years: must be an integer 1–20"),
    ({"other_cancer": {"within_years": 0}}, "other_cancer.within_years: must be an integer 1–20"),
    ({"other_cancer": {"within_years": 2.5}}, "other_cancer.within_years: must be an integer 1–20"),
    ({"other_cancer": {"years": 5}}, "other_cancer.years: unknown key (use within_years)"),
    ({"comorbidity": []}, "comorbidity: must be a non-empty list of codes"),
    ({"comorbidity": ["other:NOPE"]}, "comorbidity[0]: unknown condition code 'other:NOPE'"),
    ({"all": [{"not": {"comorbidity": ["other:HIV", "onc:LUNG"]}}]},
     "all[0].not.comorbidity[1]: 'onc:LUNG' is not a comorbidity code (use other: or psy: codes)"),
    ({"recent_therapy": ["therapy:chemotherapy"]}, "recent_therapy: must be an object with items and within_weeks"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"]}}, "recent_therapy.within_weeks: must be an integer 1–104"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 105}},
     "recent_therapy.within_weeks: must be an integer 1–104"),
    ({"recent_therapy": {"within_weeks": 4}},
     "recent_therapy.items: missing (a non-empty list of drugs, drug classes or therapies)"),
    ({"recent_therapy": {"items": [], "within_weeks": 4}}, "recent_therapy.items: must be a non-empty list of codes"),
    ({"recent_therapy": {"items": ["therapy:magic"], "within_weeks": 4}},
     "recent_therapy.items[0]: unknown drug, drug class or therapy 'therapy:magic'"),
    ({"recent_therapy": {"items": ["therapy:surgery"], "within_weeks": 4, "since": 1}},
     "recent_therapy.since: unknown key (use items and within_weeks)"),
    ({"suicidal_behavior": {"within_months": 121}}, "suicidal_behavior.within_months: must be an integer 1–120"),
    ({"all": [{"not": {"suicidal_behavior": {"within_years": 1}}}]},
     "all[0].not.suicidal_behavior.within_years: unknown key (use within_months)"),
])
def test_messages_name_the_path(rule, message):
    messages = validate_rule(rule)
    assert any(m.startswith(message) for m in messages), messages
    # The schema knows the grammar but not the vocabulary, nor that min <= max.
    beyond_schema = ("unknown condition", "unknown drug or drug class 'drug:", "unknown drug, drug class or therapy",
                     "unknown gene", "is greater than", "is not a comorbidity code", "is not a diagnosis")
    if not any(b in message for b in beyond_schema):
        assert list(Draft202012Validator(rule_schema()).iter_errors(json.loads(json.dumps(rule))))


def test_every_problem_is_reported_not_just_the_first():
    messages = validate_rule({"all": [{"ecog": {"max": 9}}, {"phq9": {"min": 99}}, {"sex": []}]})
    assert [m.split(":")[0] for m in messages] == ["all[0].ecog.max", "all[1].phq9.min", "all[2].sex"]


def test_rule_error_carries_the_messages():
    with pytest.raises(RuleError) as caught:
        check_rule({"ecog": {"max": 9}})
    assert caught.value.messages == ["ecog.max: must be an integer 0–5"]
    assert isinstance(caught.value, ValueError)
