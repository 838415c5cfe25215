"""The reader of free-text eligibility (issue 15): table tests, one row per pattern the issue names."""

import pytest

from trials.ctgov.criteria.leaves import spec_errors
from trials.ctgov.eligibility_text import read_eligibility, split_items

V2_TEXT = "Inclusion Criteria:\n\n* Age \\>= 18\n* Signed consent\n\nExclusion Criteria:\n\n* Pregnant\n  * nested item"
XML_TEXT = """Inclusion Criteria:

          -  Adult patients with a long item that wraps
             onto a second line

        Exclusion Criteria:

          -  Prior chemotherapy
"""


def read(section, text, **ages):
    heading = "Inclusion Criteria:" if section == "inclusion" else "Exclusion Criteria:"
    return read_eligibility(f"{heading}\n\n* {text}", **ages)


def rules(section, text, **ages):
    return [s["rule"] for s in read(section, text, **ages)[1]]


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


@pytest.mark.parametrize("heading", [
    "Exclusion Criteria:", "Patient Exclusion Criteria:", "Key Exclusion Criteria", "EXCLUSION CRITERIA -",
    "## Exclusion Criteria", "**Exclusion Criteria:**", "-  EXCLUSION CRITERIA:", "2. Exclusion criteria",
    "Exclusion:", "Disease-specific exclusion criteria:", "Criteria for exclusion:",
])
def test_every_common_variant_of_the_exclusion_heading_starts_the_exclusions(heading):
    items = split_items(f"Key Inclusion Criteria\n\n* ECOG 0-1\n\n{heading}\n\n* Prior chemotherapy")
    assert [(i.section, i.text) for i in items] == [("inclusion", "ECOG 0-1"), ("exclusion", "Prior chemotherapy")]


def test_items_under_a_heading_for_one_group_are_not_rules_for_everyone():
    text = ("Inclusion Criteria:\n\n* ECOG 0-1\n\nExclusion Criteria for Healthy Volunteers:\n\n* Prior chemotherapy\n\n"  # noqa: E501
            "For patients with liver metastases:\n\n* ECOG 0-2")
    items, suggestions = read_eligibility(text)
    assert [s["rule"] for s in suggestions] == [{"ecog": {"max": 1}}]
    assert [i["text"] for i in items] == ["ECOG 0-1", "Prior chemotherapy", "ECOG 0-2"]


def test_alternatives_under_a_lead_line_are_not_each_required():
    text = "Inclusion Criteria:\n\n* Must have one of the following:\n\n  * EGFR mutation\n  * ALK rearrangement"
    assert read_eligibility(text)[1] == []


@pytest.mark.parametrize("section, text, rule", [
    # ranges
    ("inclusion", "ECOG performance status 0-1", {"ecog": {"max": 1}}),
    ("inclusion", "ECOG performance status of 0, 1, or 2", {"ecog": {"max": 2}}),
    ("inclusion", "ECOG ≤ 2", {"ecog": {"max": 2}}),
    ("inclusion", "ECOG performance status equal to 3 or 4", {"ecog": {"min": 3}}),
    ("inclusion", "ECOG ≥ 3", {"ecog": {"min": 3}}),
    ("exclusion", "ECOG performance status score >2", {"ecog": {"max": 2}}),
    ("inclusion", "Karnofsky performance status ≥ 70%", {"ecog": {"max": 1}}),
    ("inclusion", "Age >/= 60 years", {"age": {"min": 60}}),
    ("inclusion", "Aged 21 to 70 years", {"age": {"min": 21, "max": 70}}),
    ("inclusion", "Completely resected stage IIA, IIB IIIA or IIIB NSCLC", {"stage": {"in": ["IIA", "IIB", "IIIA", "IIIB"]}}),  # noqa: E501
    ("inclusion", "Stage IIIB/C or IV NSCLC", {"stage": {"in": ["IIIB", "IIIC", "IV"]}}),
    ("inclusion", "Stage IA2-IB disease", {"stage": {"min": "IA", "max": "IB"}}),
    # negation
    ("inclusion", "Patients must not have received prior systemic therapy",
     {"not": {"prior_therapy": ["therapy:chemotherapy", "therapy:immunotherapy", "therapy:targeted", "therapy:hormone"]}}),  # noqa: E501
    ("inclusion", "Immunotherapy naïve metastatic disease", {"not": {"prior_therapy": ["therapy:immunotherapy"]}}),
    ("exclusion", "Prior treatment with an EGFR TKI", {"not": {"prior_therapy": ["class:EGFR_TKI"]}}),
    ("exclusion", "Current use of MAOIs", {"not": {"medication": ["class:MAOI"]}}),
    ("inclusion", "Not pregnant and not nursing", {"not": {"pregnant": True}}),
    ("exclusion", "Pregnant or breastfeeding women", {"not": {"pregnant": True}}),
    # biomarkers
    ("inclusion", "EGFR sensitizing mutation (exon 19 deletion or L858R)", {"biomarker": {"gene": "EGFR", "status": "positive"}}),  # noqa: E501
    ("inclusion", "ALK rearrangement identified by FISH", {"biomarker": {"gene": "ALK", "status": "positive"}}),
    ("inclusion", "Philadelphia chromosome positive acute lymphoblastic leukemia",
     {"biomarker": {"gene": "BCR-ABL1", "status": "positive"}}),
    ("inclusion", "No EGFR mutation by local testing", {"biomarker": {"gene": "EGFR", "status": "negative"}}),
    ("exclusion", "Harboring EGFR sensitizing mutation", {"biomarker": {"gene": "EGFR", "status": "negative"}}),
    ("inclusion", "HER2-negative breast cancer", {"biomarker": {"gene": "HER2", "status": "negative"}}),
    # the new leaves
    ("exclusion", "Known active central nervous system (CNS) metastases", {"not": {"brain_metastases": "active"}}),
    ("exclusion", "Brain metastases", {"not": {"brain_metastases": "any"}}),
    ("exclusion", "History of other malignancy within the past 5 years",
     {"not": {"other_cancer": {"within_years": 5}}}),
    ("exclusion", "Known HIV infection or active hepatitis B or C",
     {"not": {"comorbidity": ["other:HIV", "other:HBV", "other:HCV"]}}),
    ("exclusion", "History of bipolar disorder or psychosis", {"not": {"comorbidity": ["psy:PSYCHOSIS", "psy:BIPOLAR"]}}),  # noqa: E501
    ("exclusion", "Chemotherapy within 4 weeks before the first dose",
     {"not": {"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}}}),
    ("exclusion", "Major surgery within 28 days", {"not": {"recent_therapy": {"items": ["therapy:surgery"], "within_weeks": 4}}}),  # noqa: E501
    ("inclusion", "At least one measurable lesion per RECIST 1.1", {"measurable_disease": True}),
    ("inclusion", "Relapsed or refractory disease", {"disease_status": ["relapsed", "refractory"]}),
    ("exclusion", "Suicide attempt within the past 6 months", {"not": {"suicidal_behavior": {"within_months": 6}}}),
    # the language's other leaves
    ("inclusion", "PHQ-9 score >= 15", {"phq9": {"min": 15}}),
    ("inclusion", "GAD-7 score of at least 10", {"gad7": {"min": 10}}),
    ("inclusion", "HAM-D17 total score ≥ 20", {"phq9": {"min": 15}}),
    ("exclusion", "More than 2 prior lines of therapy", {"prior_lines": {"max": 2}}),
    ("inclusion", "Failed at least two adequate antidepressant trials", {"antidepressant_trials": {"min": 2}}),
    ("exclusion", "Active suicidal ideation", {"not": {"suicidal_ideation": True}}),
    ("inclusion", "Histologically confirmed non-small cell lung cancer", {"condition": ["onc:NSCLC"]}),
])
def test_a_plain_sentence_becomes_one_valid_suggestion(section, text, rule):
    items, suggestions = read(section, text, min_age_years=18)
    assert [s["rule"] for s in suggestions] == [rule]
    assert items[0]["understood"] is True
    assert spec_errors(rule) == []


@pytest.mark.parametrize("section, text", [
    ("exclusion", "Known hypersensitivity to pembrolizumab or any of its excipients"),  # an allergy, not a therapy
    ("exclusion", "Allergy to carboplatin"),
    ("inclusion", "Patients may receive any regimen of adjuvant chemotherapy"),  # a permission
    ("exclusion", "Patients with treated, stable brain metastases are eligible"),
    ("exclusion", "Prior malignancy, except adequately treated stage I cancers, which are eligible"),
    ("inclusion", "Local testing of ALK with no ALK rearrangement (applicable to non-squamous patients only)"),
    ("inclusion", "ECOG 0-2 (0 to 3 for participants >= 60 years)"),  # a sub-population's own range
    ("exclusion", "Severe renal insufficiency (creatinine clearance < 30ml/min)"),
    ("inclusion", "Will receive single agent pembrolizumab"),
    ("exclusion", "Uncontrolled diabetes mellitus - HbA1c >8%"),
    ("inclusion", "Post-menopausal is defined as no menses for 12 months"),
])
def test_what_would_be_read_the_wrong_way_gives_no_suggestion(section, text):
    assert rules(section, text) == []


def test_no_rule_is_suggested_twice_in_one_trial():
    text = "Inclusion Criteria:\n\n* ECOG 0-1\n\nExclusion Criteria:\n\n* Pregnant women\n* Pregnancy or lactation"
    assert [s["rule"] for s in read_eligibility(text)[1]] == [{"ecog": {"max": 1}}, {"not": {"pregnant": True}}]


def test_a_definition_under_a_lead_is_not_a_rule():
    text = ("Inclusion Criteria:\n\n* Post-menopausal women, defined as:\n\n  * no menses for 12 months\n"
            "  * ECOG 0-2 at baseline")
    items, suggestions = read_eligibility(text)
    assert len(items) == 3
    assert suggestions == []


def test_a_heart_failure_class_is_not_read_as_the_cancer_stage():
    assert rules("exclusion", "Stage II to IV congestive heart failure (NYHA)") == [
        {"not": {"comorbidity": ["other:HEART_FAILURE"]}}]


@pytest.mark.parametrize("text, screening", [
    ("Absolute neutrophil count (ANC) >= 1,500/mm^3", True),
    ("Adequate organ function", True),
    ("Life expectancy of at least 12 weeks", True),
    ("Women of childbearing potential must use effective contraception", True),
    ("Signed informed consent", True),
    ("ECOG performance status 0-1", False),
    ("Histologically confirmed NSCLC", False),
])
def test_items_a_patient_cannot_answer_are_screening_items(text, screening):
    items, _ = read("inclusion", text)
    assert items[0]["screening"] is screening


def test_an_age_item_restating_the_registry_fields_is_understood_without_a_suggestion():
    items, suggestions = read("inclusion", "Age 18 years or older", min_age_years=18)
    assert items[0]["understood"] is True
    assert suggestions == []


@pytest.mark.parametrize("text", ["Able to swallow tablets", "Signed informed consent", "Adequate organ function"])
def test_sentences_nobody_can_read_reliably_are_marked_not_understood(text):
    items, suggestions = read("inclusion", text)
    assert items[0]["understood"] is False
    assert suggestions == []
