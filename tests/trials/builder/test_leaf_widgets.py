"""Every declared leaf gets widgets, words and example sentences from its declaration alone."""

from datetime import date

import pytest

from trials.builder import fields
from trials.builder.sentences import worded
from trials.eligibility import LEAVES
from trials.eligibility.declaration import register, unregister
from trials.eligibility.kinds import RangeLeaf

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("name", fields.offered_leaves())
def test_each_leaf_has_a_title_widgets_that_show_its_example_and_the_engines_sentences(name):
    leaf = LEAVES[name]
    assert name in fields.LEAF_TITLES
    assert fields.representable(name, leaf.example)
    rows = worded(name, leaf.example, False, TODAY)
    outcomes = [row["outcome"] for row in rows]
    assert outcomes == ["met", "not_met", "unknown"]
    for row in rows:
        assert row["en"]["coordinator"] and row["es"]["patient"] and row["en"]["patient"] != row["es"]["patient"]


def test_leaves_that_come_from_the_trial_itself_are_never_offered():
    assert set(LEAVES) - set(fields.offered_leaves()) == {"travel", "criteria_review"}


def test_under_a_not_a_line_reads_as_the_trial_sees_it():
    rows = {row["outcome"]: row for row in worded("comorbidity", ["other:HIV"], True, TODAY)}
    assert rows["met"]["en"]["coordinator"] == "Has none of: HIV infection, as the trial requires"
    assert rows["not_met"]["en"]["coordinator"] == "Has: HIV infection, which the trial excludes"


def test_a_leaf_declared_tomorrow_gets_widgets_without_a_line_of_builder_code():
    register(RangeLeaf("hba1c", "phq9", low=3, high=20, integer=False, subject="HbA1c %(value)s",
                       not_given="HbA1c not given", statement="Your HbA1c is %(value)s",
                       unknown="We don't know your HbA1c yet.", example={"max": 8}))
    try:
        form = fields.leaf_form("hba1c")
        assert [(f.name, f.kind, f.integer, f.minimum, f.maximum) for f in form.fields] == [
            ("min", "number", False, 3, 20), ("max", "number", False, 3, 20)]
        assert fields.title("hba1c") == "Hba1c"
        assert fields.parse(form, fields.data_for(form, {"max": 7.5})) == {"max": 7.5}
        assert "hba1c" in fields.offered_leaves()
    finally:
        unregister("hba1c")


def test_code_fields_offer_what_the_leaf_takes():
    assert "other:HIV" in fields.code_pool("comorbidity", "value")
    assert "onc:NSCLC" not in fields.code_pool("comorbidity", "value")
    assert "other:HIV" not in fields.code_pool("condition", "value")
    assert "therapy:chemotherapy" in fields.code_pool("recent_therapy", "items")
    assert "therapy:chemotherapy" not in fields.code_pool("medication", "value")
    assert fields.search_codes("condition", "value", "pulmón")[:2] == ["onc:LUNG", "onc:NSCLC"]
    assert fields.search_codes("medication", "value", "Cymbalta") == ["drug:duloxetine"]
