import pytest

from trials.ctgov.eligibility_text import read_eligibility, split_items
from trials.eligibility import validate_rule

V2_TEXT = "Inclusion Criteria:\n\n* Age \\>= 18\n* Signed consent\n\nExclusion Criteria:\n\n* Pregnant\n  * nested item"
XML_TEXT = """Inclusion Criteria:

          -  Adult patients with a long item that wraps
             onto a second line

        Exclusion Criteria:

          -  Prior chemotherapy
"""


def test_api_v2_text_splits_into_inclusion_and_exclusion_items_with_escapes_undone():
    items = split_items(V2_TEXT)
    assert [(i.section, i.text) for i in items] == [
        ("inclusion", "Age >= 18"), ("inclusion", "Signed consent"),
        ("exclusion", "Pregnant"), ("exclusion", "nested item"),
    ]


def test_legacy_xml_wrapped_lines_join_into_one_item():
    items = split_items(XML_TEXT)
    assert [(i.section, i.text) for i in items] == [
        ("inclusion", "Adult patients with a long item that wraps onto a second line"),
        ("exclusion", "Prior chemotherapy"),
    ]


@pytest.mark.parametrize("section, text, kind, rule", [
    ("inclusion", "ECOG performance status 0-1", "ecog", {"ecog": {"max": 1}}),
    ("inclusion", "ECOG ≤ 2", "ecog", {"ecog": {"max": 2}}),
    ("inclusion", "Karnofsky performance status ≥ 70%", "ecog", {"ecog": {"max": 1}}),
    ("exclusion", "Pregnant or breastfeeding women", "pregnancy", {"not": {"pregnant": True}}),
    ("inclusion", "Negative serum pregnancy test", "pregnancy", {"not": {"pregnant": True}}),
    ("inclusion", "PHQ-9 score >= 15", "phq9", {"phq9": {"min": 15}}),
    ("inclusion", "GAD-7 score of at least 10", "gad7", {"gad7": {"min": 10}}),
    ("inclusion", "HAM-D17 total score ≥ 20", "hamd", {"phq9": {"min": 15}}),
    ("inclusion", "MADRS total score ≥ 22", "madrs", {"phq9": {"min": 10}}),
    ("exclusion", "Current use of MAOIs", "medication", {"not": {"medication": ["class:MAOI"]}}),
    ("exclusion", "Prior treatment with an EGFR TKI", "prior_therapy",
     {"not": {"prior_therapy": ["class:EGFR_TKI"]}}),
    ("exclusion", "More than 2 prior lines of therapy", "prior_lines", {"prior_lines": {"max": 2}}),
    ("exclusion", "Active suicidal ideation", "suicidal_ideation", {"not": {"suicidal_ideation": True}}),
    ("inclusion", "Failed at least two adequate antidepressant trials", "antidepressant_trials",
     {"antidepressant_trials": {"min": 2}}),
    ("inclusion", "EGFR mutation-positive NSCLC", "biomarker", {"biomarker": {"gene": "EGFR", "status": "positive"}}),
    ("inclusion", "HER2-negative breast cancer", "biomarker", {"biomarker": {"gene": "HER2", "status": "negative"}}),
    ("inclusion", "Stage IIIB or IV disease", "stage", {"stage": {"in": ["IIIB", "IV"]}}),
    ("inclusion", "Aged 21 to 70 years", "age", {"age": {"min": 21, "max": 70}}),
])
def test_a_reliable_sentence_becomes_a_valid_suggestion(section, text, kind, rule):
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    items, suggestions = read_eligibility(f"{heading}\n\n* {text}", min_age_years=18)
    assert items == [{"section": section, "text": text, "understood": True}]
    assert [(s["kind"], s["rule"]) for s in suggestions] == [(kind, rule)]
    assert validate_rule(rule) == []


@pytest.mark.parametrize("text", ["Able to swallow tablets", "Signed informed consent", "Adequate organ function"])
def test_sentences_nobody_can_read_reliably_are_marked_not_understood(text):
    items, suggestions = read_eligibility(f"Inclusion Criteria:\n\n* {text}")
    assert items == [{"section": "inclusion", "text": text, "understood": False}]
    assert suggestions == []


def test_an_age_item_restating_the_registry_fields_is_understood_without_a_suggestion():
    items, suggestions = read_eligibility("Inclusion Criteria:\n\n* Age 18 years or older", min_age_years=18)
    assert items[0]["understood"] is True
    assert suggestions == []
