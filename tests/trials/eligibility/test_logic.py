"""all / any / not with three values, the verdict, its score and questions, and trial_rule."""

import json
from datetime import date

import pytest

from trials.eligibility import ENGINE_VERSION, Profile, SiteLocation, evaluate, trial_rule

TODAY = date(2026, 11, 27)
MET = {"sex": ["female"]}
NOT_MET = {"sex": ["male"]}
UNKNOWN = {"ecog": {"max": 1}}
PATIENT = Profile(sex="female")  # ecog unknown

VALUES = {"met": MET, "not_met": NOT_MET, "unknown": UNKNOWN}
KLEENE_AND = {("met", "met"): "eligible", ("met", "unknown"): "possible", ("met", "not_met"): "not_eligible",
              ("unknown", "unknown"): "possible", ("unknown", "not_met"): "not_eligible",
              ("not_met", "not_met"): "not_eligible"}
KLEENE_OR = {("met", "met"): "eligible", ("met", "unknown"): "eligible", ("met", "not_met"): "eligible",
             ("unknown", "unknown"): "possible", ("unknown", "not_met"): "possible",
             ("not_met", "not_met"): "not_eligible"}


def verdict_of(rule, profile=PATIENT, sites=()):
    return evaluate(rule, profile, today=TODAY, sites=list(sites))


@pytest.mark.parametrize(("pair", "expected"), KLEENE_AND.items())
def test_all_follows_kleene_and(pair, expected):
    a, b = pair
    assert verdict_of({"all": [VALUES[a], VALUES[b]]}).outcome == expected
    assert verdict_of({"all": [VALUES[b], VALUES[a]]}).outcome == expected


@pytest.mark.parametrize(("pair", "expected"), KLEENE_OR.items())
def test_any_follows_kleene_or(pair, expected):
    a, b = pair
    assert verdict_of({"any": [VALUES[a], VALUES[b]]}).outcome == expected
    assert verdict_of({"any": [VALUES[b], VALUES[a]]}).outcome == expected


@pytest.mark.parametrize(("inner", "expected"),
                         [("met", "not_eligible"), ("not_met", "eligible"), ("unknown", "possible")])
def test_not_flips_known_values_and_keeps_unknown(inner, expected):
    assert verdict_of({"not": VALUES[inner]}).outcome == expected


def test_unknown_propagates_through_nested_nodes():
    rule = {"all": [MET, {"any": [NOT_MET, {"not": UNKNOWN}]}]}
    verdict = verdict_of(rule)
    assert verdict.outcome == "possible"
    assert verdict.questions == ["ecog"]


def test_every_leaf_gets_a_reason_even_after_the_outcome_is_decided():
    verdict = verdict_of({"all": [NOT_MET, MET, UNKNOWN]})
    assert [r.path for r in verdict.reasons] == ["all[0].sex", "all[1].sex", "all[2].ecog"]


def test_a_leaf_under_not_reports_the_outcome_as_the_trial_sees_it():
    rule = {"all": [{"not": {"medication": ["class:MAOI"]}}]}
    reason = verdict_of(rule, Profile(medications=["drug:sertraline"])).reasons[0]
    assert (reason.path, reason.outcome, reason.negated) == ("all[0].not.medication", "met", True)


def test_questions_leave_out_unknowns_that_cannot_change_the_outcome():
    assert verdict_of({"all": [NOT_MET, UNKNOWN]}).questions == []
    assert verdict_of({"any": [MET, UNKNOWN]}).questions == []
    rule = {"all": [UNKNOWN, {"phq9": {"min": 10}}, {"biomarker": {"gene": "erbb2", "status": "positive"}}]}
    assert verdict_of(rule).questions == ["ecog", "phq9", "biomarkers.HER2"]


def test_travel_questions_ask_for_what_is_missing():
    site = [SiteLocation(29.7, -95.4)]
    assert verdict_of({"travel": True}, Profile(), site).questions == ["location"]
    assert verdict_of({"travel": True}, Profile(latitude=29.7, longitude=-95.4), site).questions == ["travel_radius_km"]


def test_the_score_ranks_eligible_above_possible_above_not_eligible():
    eligible = verdict_of({"all": [MET]}).score
    possible = verdict_of({"all": [MET, UNKNOWN]}).score
    not_eligible = verdict_of({"all": [MET, NOT_MET]}).score
    assert eligible > possible > not_eligible


def test_fewer_unknowns_and_a_closer_site_score_higher():
    one_unknown = verdict_of({"all": [MET, UNKNOWN]}).score
    two_unknowns = verdict_of({"all": [MET, UNKNOWN, {"phq9": {"min": 1}}]}).score
    assert one_unknown > two_unknowns
    home = Profile(sex="female", latitude=29.76, longitude=-95.37, travel_radius_km=500)
    near = verdict_of({"all": [MET, {"travel": True}]}, home, [SiteLocation(29.71, -95.40)]).score
    far = verdict_of({"all": [MET, {"travel": True}]}, home, [SiteLocation(32.78, -96.80)]).score
    assert near > far


def test_the_verdict_is_json_safe_and_carries_the_engine_version():
    rule = {"all": [MET, UNKNOWN, {"not": {"pregnant": True}}]}
    data = json.loads(json.dumps(verdict_of(rule).to_dict()))
    assert data["outcome"] == "possible"
    assert data["engine_version"] == ENGINE_VERSION
    assert data["reasons"][0]["coordinator"] == "Sex female, as required (female)"
    assert {r["outcome"] for r in data["reasons"]} == {"met", "unknown"}


def test_trial_rule_builds_one_tree_from_fields_and_criteria():
    rule = trial_rule(min_age_years=18, max_age_years=75, sexes=["female"], condition_codes=["onc:NSCLC"],
                      criteria={"all": [{"ecog": {"max": 1}}]}, has_sites=True)
    assert rule == {"all": [{"age": {"min": 18, "max": 75}}, {"sex": ["female"]}, {"condition": ["onc:NSCLC"]},
                            {"ecog": {"max": 1}}, {"travel": True}]}


def test_trial_rule_leaves_out_what_says_nothing():
    assert trial_rule() == {"all": []}
    assert trial_rule(sexes=["female", "male"], condition_codes=[], criteria={}) == {"all": []}
    assert trial_rule(max_age_years=17) == {"all": [{"age": {"max": 17}}]}
    assert trial_rule(criteria={"any": [MET, NOT_MET]}) == {"all": [{"any": [MET, NOT_MET]}]}


def test_an_empty_rule_is_eligible():
    assert verdict_of(trial_rule()).outcome == "eligible"


def test_profile_round_trips_through_json():
    profile = Profile(birth_date=date(1970, 5, 1), sex="female", condition_codes=["onc:LUAD"], medications=[],
                      biomarkers={"EGFR": "positive"}, latitude=29.7, longitude=-95.4, travel_radius_km=100,
                      comorbidities=["other:HIV"], last_therapy_weeks={"therapy:chemotherapy": [4, 13],
                                                                       "drug:osimertinib": (13, None)})
    data = json.loads(json.dumps(profile.to_dict()))
    assert data["birth_date"] == "1970-05-01"
    assert data["medications"] == []
    assert data["last_therapy_weeks"] == {"therapy:chemotherapy": [4, 13], "drug:osimertinib": [13, None]}
    assert Profile.from_dict(data) == profile
    assert Profile.from_dict({"sex": "male", "from_a_newer_version": 1}) == Profile(sex="male")
