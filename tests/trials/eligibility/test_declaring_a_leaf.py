"""A leaf declared outside the engine (here, in this test) is validated, evaluated, worded and asked about
with nothing else touched: the README's "Adding a criterion leaf", done for HbA1c ≤ 8%."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import translation

from trials.eligibility import Profile, Question, evaluate, question, register, rule_schema, validate_rule
from trials.eligibility.declaration import unregister
from trials.eligibility.evaluate import render_reasons
from trials.eligibility.kinds import RangeLeaf
from trials.eligibility.words import _

TODAY = date(2026, 11, 27)


@dataclass(frozen=True)
class LabProfile(Profile):
    """The Profile with one more fact, as the recipe's second step adds it."""

    hba1c_percent: float | None = None


HBA1C = RangeLeaf(
    "hba1c", "hba1c_percent", low=3, high=20, integer=False, example={"max": 8},
    subject=_("HbA1c %(value)s%%"), not_given=_("HbA1c not given"),
    statement=_("Your last HbA1c was %(value)s%%"), unknown=_("We don't know your last HbA1c result yet."),
    questions=[Question("hba1c_percent", "number", _("What was your last HbA1c result?"), minimum=3, maximum=20,
                        unit=_("%"))],
)


@pytest.fixture
def hba1c():
    register(HBA1C)
    yield HBA1C
    unregister("hba1c")


def test_the_new_leaf_is_validated_with_messages_naming_the_path(hba1c):
    assert validate_rule({"all": [{"age": {"min": 18}}, {"hba1c": {"max": 8}}]}) == []
    assert validate_rule({"all": [{"hba1c": {"max": 30}}]}) == ["all[0].hba1c.max: must be a number 3–20"]
    assert validate_rule({"hba1c": {"max": 8, "min": 9}}) == ["hba1c: min 9 is greater than max 8"]


def test_the_schema_grows_the_new_leaf_and_shrinks_again_without_it(hba1c):
    assert "hba1c" in rule_schema()["$defs"]
    unregister("hba1c")
    try:
        assert "hba1c" not in rule_schema()["$defs"]
        assert validate_rule({"hba1c": {"max": 8}})[0].startswith("hba1c: unknown criterion 'hba1c'")
    finally:
        register(HBA1C)


@pytest.mark.parametrize(("value", "outcome"), [(7.5, "met"), (8, "met"), (8.1, "not_met"), (None, "unknown")])
def test_the_new_leaf_evaluates_to_three_values(hba1c, value, outcome):
    verdict = evaluate({"hba1c": {"max": 8}}, LabProfile(hba1c_percent=value), today=TODAY)
    assert [r.outcome for r in verdict.reasons] == [outcome]
    assert verdict.questions == (["hba1c_percent"] if value is None else [])


def test_the_new_leaf_is_worded_and_its_question_described(hba1c):
    verdict = evaluate({"not": {"hba1c": {"max": 8}}}, LabProfile(hba1c_percent=7.5), today=TODAY)
    assert verdict.reasons[0].sentences() == (
        "HbA1c 7.5% is at most 8, which the trial excludes",
        "Your last HbA1c was 7.5%; the trial accepts at most 8. This trial does not accept that.")
    assert render_reasons(verdict.to_compact()) == [r.to_dict() for r in verdict.reasons]
    assert question("hba1c_percent").to_dict() == {
        "key": "hba1c_percent", "kind": "number", "label": "What was your last HbA1c result?", "minimum": 3,
        "maximum": 20, "unit": "%"}


def test_until_its_msgids_are_in_the_catalog_the_shared_words_are_spanish_and_its_own_english(hba1c):
    verdict = evaluate({"hba1c": {"max": 8}}, LabProfile(hba1c_percent=9), today=TODAY)
    with translation.override("es"):
        coordinator, _patient = verdict.reasons[0].sentences(translation)
    assert coordinator == "HbA1c 9% supera el máximo de 8"
