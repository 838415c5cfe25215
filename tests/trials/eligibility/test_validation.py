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
                                    {"not": {"suicidal_ideation": True}}, {"not": {"pregnant": True}}]})


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
])
def test_messages_name_the_path(rule, message):
    messages = validate_rule(rule)
    assert any(m.startswith(message) for m in messages), messages
    # The schema knows the grammar but not the vocabulary, nor that min <= max.
    beyond_schema = ("unknown condition", "unknown drug or drug class 'drug:", "unknown drug, drug class or therapy",
                     "unknown gene", "is greater than")
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
