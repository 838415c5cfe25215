"""Each leaf of the rule language, as a table: rule, profile answers, expected leaf outcome."""

from datetime import date

import pytest

from trials.eligibility import Profile, SiteLocation, evaluate

TODAY = date(2026, 11, 27)
BORN_1972 = date(1972, 5, 1)  # 54 on TODAY
HOUSTON = (29.76, -95.37)
DALLAS = SiteLocation(32.78, -96.80, recruiting=True, label="Dallas")  # ~360 km from Houston
MED_CENTER = SiteLocation(29.71, -95.40, recruiting=True, label="Texas Medical Center")
CLOSED_NEARBY = SiteLocation(29.75, -95.36, recruiting=False, label="Closed")


def outcome(rule, sites=(), **answers):
    verdict = evaluate(rule, Profile(**answers), today=TODAY, sites=list(sites))
    assert len(verdict.reasons) == 1
    return verdict.reasons[0].outcome


CASES = [
    # age
    ({"age": {"min": 18, "max": 75}}, {"birth_date": BORN_1972}, "met"),
    ({"age": {"min": 55}}, {"birth_date": BORN_1972}, "not_met"),
    ({"age": {"max": 53}}, {"birth_date": BORN_1972}, "not_met"),
    ({"age": {"min": 18}}, {}, "unknown"),
    # sex
    ({"sex": ["female"]}, {"sex": "female"}, "met"),
    ({"sex": ["female"]}, {"sex": "male"}, "not_met"),
    ({"sex": ["female", "male"]}, {"sex": "male"}, "met"),
    ({"sex": ["female"]}, {}, "unknown"),
    # condition, hierarchical
    ({"condition": ["onc:NSCLC"]}, {"condition_codes": ["onc:LUAD"]}, "met"),
    ({"condition": ["onc:LUNG"]}, {"condition_codes": ["onc:NSCLC"]}, "met"),
    ({"condition": ["onc:NSCLC"]}, {"condition_codes": ["onc:LUNG"]}, "not_met"),
    ({"condition": ["onc:NSCLC"]}, {"condition_codes": ["onc:SCLC"]}, "not_met"),
    ({"condition": ["psy:MDD", "psy:GAD"]}, {"condition_codes": ["pain:FIBROMYALGIA", "psy:GAD"]}, "met"),
    ({"condition": ["psy:MDD"]}, {"condition_codes": []}, "not_met"),
    ({"condition": ["psy:MDD"]}, {}, "unknown"),
    # stage
    ({"stage": {"in": ["III", "IV"]}}, {"stage": "IIIA"}, "met"),
    ({"stage": {"in": ["III", "IV"]}}, {"stage": "IV"}, "met"),
    ({"stage": {"in": ["III", "IV"]}}, {"stage": "IIB"}, "not_met"),
    ({"stage": {"min": "II"}}, {"stage": "IIIC"}, "met"),
    ({"stage": {"min": "II"}}, {"stage": "I"}, "not_met"),
    ({"stage": {"max": "II"}}, {"stage": "IIA"}, "met"),
    ({"stage": {"max": "II"}}, {"stage": "III"}, "not_met"),
    ({"stage": {"in": ["IIIB"]}}, {"stage": "IIIB"}, "met"),
    ({"stage": {"in": ["IIIB"]}}, {"stage": "IIIA"}, "not_met"),
    ({"stage": {"in": ["IIIB"]}}, {"stage": "III"}, "unknown"),
    ({"stage": {"min": "II"}}, {"stage": "Stage iv"}, "met"),
    ({"stage": {"min": "II"}}, {"stage": "not sure"}, "unknown"),
    ({"stage": {"min": "II"}}, {}, "unknown"),
    # metastatic
    ({"metastatic": True}, {"metastatic": True}, "met"),
    ({"metastatic": True}, {"metastatic": False}, "not_met"),
    ({"metastatic": False}, {"metastatic": False}, "met"),
    ({"metastatic": True}, {}, "unknown"),
    # ecog
    ({"ecog": {"max": 1}}, {"ecog": 0}, "met"),
    ({"ecog": {"max": 1}}, {"ecog": 1}, "met"),
    ({"ecog": {"max": 1}}, {"ecog": 2}, "not_met"),
    ({"ecog": {"min": 2, "max": 3}}, {"ecog": 1}, "not_met"),
    ({"ecog": {"max": 1}}, {}, "unknown"),
    # biomarker
    ({"biomarker": {"gene": "EGFR", "status": "positive"}}, {"biomarkers": {"EGFR": "positive"}}, "met"),
    ({"biomarker": {"gene": "EGFR", "status": "positive"}}, {"biomarkers": {"EGFR": "negative"}}, "not_met"),
    ({"biomarker": {"gene": "EGFR", "status": "negative"}}, {"biomarkers": {"EGFR": "negative"}}, "met"),
    ({"biomarker": {"gene": "EGFR", "status": "positive"}}, {"biomarkers": {"ALK": "positive"}}, "unknown"),
    ({"biomarker": {"gene": "EGFR", "status": "positive"}}, {"biomarkers": {"EGFR": "unknown"}}, "unknown"),
    ({"biomarker": {"gene": "EGFR", "status": "positive"}}, {}, "unknown"),
    ({"biomarker": {"gene": "HER2", "status": "positive"}}, {"biomarkers": {"ERBB2": "positive"}}, "met"),
    # prior_therapy: drugs, classes via the drug's classes, therapies
    ({"prior_therapy": ["class:PLATINUM"]}, {"prior_therapies": ["drug:carboplatin"]}, "met"),
    ({"prior_therapy": ["drug:osimertinib"]}, {"prior_therapies": ["drug:osimertinib"]}, "met"),
    ({"prior_therapy": ["therapy:chemotherapy"]}, {"prior_therapies": ["drug:pemetrexed"]}, "met"),
    ({"prior_therapy": ["therapy:radiation"]}, {"prior_therapies": ["therapy:radiation", "therapy:surgery"]}, "met"),
    ({"prior_therapy": ["class:PD1_PDL1"]}, {"prior_therapies": ["drug:carboplatin"]}, "not_met"),
    ({"prior_therapy": ["class:PD1_PDL1"]}, {"prior_therapies": []}, "not_met"),
    ({"prior_therapy": ["class:PD1_PDL1"]}, {}, "unknown"),
    # prior_lines
    ({"prior_lines": {"max": 2}}, {"prior_lines": 2}, "met"),
    ({"prior_lines": {"max": 2}}, {"prior_lines": 3}, "not_met"),
    ({"prior_lines": {"min": 1}}, {"prior_lines": 0}, "not_met"),
    ({"prior_lines": {"max": 2}}, {}, "unknown"),
    # medication: a class covers its drugs
    ({"medication": ["class:SNRI"]}, {"medications": ["drug:duloxetine"]}, "met"),
    ({"medication": ["class:SNRI"]}, {"medications": ["drug:milnacipran"]}, "met"),
    ({"medication": ["class:ANTIDEPRESSANT"]}, {"medications": ["drug:duloxetine"]}, "met"),
    ({"medication": ["class:SNRI"]}, {"medications": ["drug:sertraline"]}, "not_met"),
    ({"medication": ["drug:sertraline"]}, {"medications": ["drug:sertraline", "drug:lorazepam"]}, "met"),
    ({"medication": ["class:MAOI"]}, {"medications": []}, "not_met"),
    ({"medication": ["class:MAOI"]}, {}, "unknown"),
    # antidepressant_trials
    ({"antidepressant_trials": {"min": 2}}, {"antidepressant_trials": 2}, "met"),
    ({"antidepressant_trials": {"min": 2}}, {"antidepressant_trials": 1}, "not_met"),
    ({"antidepressant_trials": {"min": 2}}, {}, "unknown"),
    # questionnaires
    ({"phq9": {"min": 15}}, {"phq9": 15}, "met"),
    ({"phq9": {"min": 15}}, {"phq9": 14}, "not_met"),
    ({"phq9": {"min": 10, "max": 19}}, {"phq9": 20}, "not_met"),
    ({"phq9": {"min": 15}}, {}, "unknown"),
    ({"gad7": {"min": 10}}, {"gad7": 21}, "met"),
    ({"gad7": {"min": 10}}, {"gad7": 9}, "not_met"),
    ({"gad7": {"min": 10}}, {}, "unknown"),
    # safety answers
    ({"suicidal_ideation": True}, {"suicidal_ideation": True}, "met"),
    ({"suicidal_ideation": True}, {"suicidal_ideation": False}, "not_met"),
    ({"suicidal_ideation": True}, {}, "unknown"),
    ({"pregnant": True}, {"pregnant": True}, "met"),
    ({"pregnant": True}, {"pregnant": False}, "not_met"),
    ({"pregnant": True}, {"sex": "female"}, "unknown"),
    ({"pregnant": True}, {"sex": "male"}, "not_met"),  # nobody asks men; see Facts.pregnant_inferred
    # disease_status: one of the listed statuses
    ({"disease_status": ["relapsed", "refractory"]}, {"disease_status": "relapsed"}, "met"),
    ({"disease_status": ["relapsed", "refractory"]}, {"disease_status": "remission"}, "not_met"),
    ({"disease_status": ["newly_diagnosed"]}, {}, "unknown"),
    # brain_metastases: "any" counts treated and stable ones, "active" only active ones
    ({"brain_metastases": "any"}, {"brain_metastases": "treated_stable"}, "met"),
    ({"brain_metastases": "any"}, {"brain_metastases": "active"}, "met"),
    ({"brain_metastases": "any"}, {"brain_metastases": "none"}, "not_met"),
    ({"brain_metastases": "active"}, {"brain_metastases": "active"}, "met"),
    ({"brain_metastases": "active"}, {"brain_metastases": "treated_stable"}, "not_met"),
    ({"brain_metastases": "active"}, {}, "unknown"),
    # measurable_disease
    ({"measurable_disease": True}, {"measurable_disease": True}, "met"),
    ({"measurable_disease": True}, {"measurable_disease": False}, "not_met"),
    ({"measurable_disease": True}, {}, "unknown"),
    # other_cancer: ever, or fewer completed years ago than the window
    ({"other_cancer": {}}, {"other_cancer": True}, "met"),
    ({"other_cancer": {}}, {"other_cancer": False}, "not_met"),
    ({"other_cancer": {}}, {}, "unknown"),
    ({"other_cancer": {"within_years": 5}}, {"other_cancer": True, "other_cancer_years_ago": 0}, "met"),
    ({"other_cancer": {"within_years": 5}}, {"other_cancer": True, "other_cancer_years_ago": 4}, "met"),
    ({"other_cancer": {"within_years": 5}}, {"other_cancer": True, "other_cancer_years_ago": 5}, "not_met"),
    ({"other_cancer": {"within_years": 1}}, {"other_cancer": True, "other_cancer_years_ago": 1}, "not_met"),
    ({"other_cancer": {"within_years": 5}}, {"other_cancer": True}, "unknown"),
    ({"other_cancer": {"within_years": 5}}, {"other_cancer": False}, "not_met"),
    ({"other_cancer": {"within_years": 5}}, {}, "unknown"),
    # comorbidity: a listed code covers its descendants; the diagnosis counts; a broader code is not enough
    ({"comorbidity": ["other:HIV"]}, {"comorbidities": ["other:HIV"], "condition_codes": ["onc:LUAD"]}, "met"),
    ({"comorbidity": ["other:HEPATITIS"]}, {"comorbidities": ["other:HCV"], "condition_codes": ["onc:LUAD"]},
     "met"),
    ({"comorbidity": ["other:HIV", "other:HBV"]}, {"comorbidities": ["other:DIABETES"],
                                                    "condition_codes": ["onc:LUAD"]}, "not_met"),
    ({"comorbidity": ["other:HIV"]}, {"comorbidities": [], "condition_codes": ["onc:LUAD"]}, "not_met"),
    ({"comorbidity": ["other:HBV"]}, {"comorbidities": ["other:HEPATITIS"], "condition_codes": ["onc:LUAD"]},
     "unknown"),
    ({"comorbidity": ["psy:BIPOLAR", "psy:PSYCHOSIS"]}, {"comorbidities": [], "condition_codes": ["psy:BIPOLAR"]},
     "met"),
    ({"comorbidity": ["psy:BIPOLAR"]}, {"condition_codes": ["psy:BIPOLAR"]}, "met"),
    ({"comorbidity": ["other:HIV"]}, {"condition_codes": ["onc:LUAD"]}, "unknown"),
    ({"comorbidity": ["other:HIV"]}, {"comorbidities": []}, "unknown"),
    # recent_therapy: the last dose's interval [min, max) of weeks against the window
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}},
     {"last_therapy_weeks": {"drug:carboplatin": [0, 4]}}, "met"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}},
     {"last_therapy_weeks": {"therapy:chemotherapy": [4, 13]}}, "not_met"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 2}},
     {"last_therapy_weeks": {"therapy:chemotherapy": [0, 4]}}, "unknown"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}},
     {"last_therapy_weeks": {"therapy:radiation": [0, 4]}}, "not_met"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}}, {"last_therapy_weeks": {}},
     "not_met"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 4}}, {}, "unknown"),
    ({"recent_therapy": {"items": ["class:PD1_PDL1"], "within_weeks": 12}},
     {"last_therapy_weeks": {"drug:pembrolizumab": [4, 13]}}, "unknown"),
    ({"recent_therapy": {"items": ["class:PD1_PDL1"], "within_weeks": 13}},
     {"last_therapy_weeks": {"drug:pembrolizumab": [4, 13]}}, "met"),
    ({"recent_therapy": {"items": ["class:PD1_PDL1"], "within_weeks": 4}},
     {"last_therapy_weeks": {"drug:pembrolizumab": [4, 13]}}, "not_met"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 26}},
     {"last_therapy_weeks": {"therapy:chemotherapy": [13, None]}}, "unknown"),
    ({"recent_therapy": {"items": ["therapy:chemotherapy"], "within_weeks": 13}},
     {"last_therapy_weeks": {"therapy:chemotherapy": [13, None]}}, "not_met"),
    # suicidal_behavior: ever, or fewer completed months ago than the window
    ({"suicidal_behavior": {}}, {"suicidal_behavior": True}, "met"),
    ({"suicidal_behavior": {}}, {"suicidal_behavior": False}, "not_met"),
    ({"suicidal_behavior": {}}, {}, "unknown"),
    ({"suicidal_behavior": {"within_months": 12}}, {"suicidal_behavior": True, "suicidal_behavior_months_ago": 6},
     "met"),
    ({"suicidal_behavior": {"within_months": 12}}, {"suicidal_behavior": True, "suicidal_behavior_months_ago": 12},
     "not_met"),
    ({"suicidal_behavior": {"within_months": 12}}, {"suicidal_behavior": True}, "unknown"),
]


@pytest.mark.parametrize(("rule", "answers", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_leaf_outcome(rule, answers, expected):
    assert outcome(rule, **answers) == expected


HOME = {"latitude": HOUSTON[0], "longitude": HOUSTON[1]}
TRAVEL_CASES = [
    ([MED_CENTER], {**HOME, "travel_radius_km": 50}, "met"),
    ([DALLAS], {**HOME, "travel_radius_km": 50}, "not_met"),
    ([DALLAS], {**HOME, "travel_radius_km": 400}, "met"),
    ([DALLAS, MED_CENTER], {**HOME, "travel_radius_km": 50}, "met"),
    ([CLOSED_NEARBY], {**HOME, "travel_radius_km": 50}, "not_met"),
    ([], {**HOME, "travel_radius_km": 50}, "not_met"),
    ([MED_CENTER], {**HOME}, "unknown"),
    ([MED_CENTER], {"travel_radius_km": 50}, "unknown"),
]


@pytest.mark.parametrize(("sites", "answers", "expected"), TRAVEL_CASES)
def test_travel_leaf_outcome(sites, answers, expected):
    assert outcome({"travel": True}, sites=sites, **answers) == expected


def test_a_closed_site_is_never_the_nearest():
    verdict = evaluate({"travel": True}, Profile(**HOME, travel_radius_km=500), TODAY, [CLOSED_NEARBY, DALLAS])
    assert verdict.nearest_site_index == 1
    assert 350 < verdict.nearest_site_km < 370
