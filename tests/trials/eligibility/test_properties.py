"""Properties that must hold for every valid rule and every profile, checked with Hypothesis."""

import json
from dataclasses import fields
from datetime import date

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from trials.eligibility import LEAVES as DECLARED
from trials.eligibility import Profile, SiteLocation, evaluate, rule_schema, validate_rule
from trials.vocabulary import load_vocabulary

VOCAB = load_vocabulary()
TODAY = date(2026, 11, 27)
CONDITIONS = sorted(VOCAB.conditions)
DIAGNOSES = [code for code in CONDITIONS if VOCAB.conditions[code].kind != "other"]
COMORBIDITIES = [code for code in CONDITIONS if VOCAB.conditions[code].kind in ("other", "mental_health")]
DISEASE_STATUSES = ["newly_diagnosed", "relapsed", "refractory", "remission"]
DRUGS, CLASSES, THERAPIES = sorted(VOCAB.drugs), sorted(VOCAB.classes), sorted(VOCAB.therapies)
GENES = sorted(VOCAB.biomarkers) + ["ERBB2", "egfr"]
STAGES = ["0", "I", "IA", "II", "IIB", "III", "IIIA", "IIIC", "IV", "IVB"]
SITES = [SiteLocation(29.71, -95.40, label="Houston"), SiteLocation(32.78, -96.80, recruiting=False),
         SiteLocation(40.71, -74.0, label="New York")]


def ranges(low, high, numbers=st.integers):
    bound = numbers(low, high)
    return st.one_of(
        bound.map(lambda v: {"min": v}),
        bound.map(lambda v: {"max": v}),
        st.tuples(bound, bound).map(lambda b: {"min": min(b), "max": max(b)}),
    )


def codes(pool):
    return st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)


ages = ranges(0, 120, lambda lo, hi: st.integers(lo * 2, hi * 2).map(lambda h: h / 2))
LEAVES = st.one_of(
    ages.map(lambda r: {"age": r}),
    st.lists(st.sampled_from(["female", "male"]), min_size=1, max_size=2, unique=True).map(lambda s: {"sex": s}),
    codes(DIAGNOSES).map(lambda c: {"condition": c}),
    st.one_of(codes(STAGES).map(lambda s: {"in": s}), st.sampled_from(STAGES).map(lambda s: {"min": s}),
              st.sampled_from(STAGES).map(lambda s: {"max": s})).map(lambda s: {"stage": s}),
    st.booleans().map(lambda b: {"metastatic": b}),
    ranges(0, 5).map(lambda r: {"ecog": r}),
    st.fixed_dictionaries({"gene": st.sampled_from(GENES), "status": st.sampled_from(["positive", "negative"])}).map(
        lambda b: {"biomarker": b}),
    codes(DRUGS + CLASSES + THERAPIES).map(lambda c: {"prior_therapy": c}),
    ranges(0, 20).map(lambda r: {"prior_lines": r}),
    codes(DRUGS + CLASSES).map(lambda c: {"medication": c}),
    ranges(0, 20).map(lambda r: {"antidepressant_trials": r}),
    ranges(0, 27).map(lambda r: {"phq9": r}),
    ranges(0, 21).map(lambda r: {"gad7": r}),
    st.booleans().map(lambda b: {"suicidal_ideation": b}),
    st.booleans().map(lambda b: {"pregnant": b}),
    st.just({"travel": True}),
    codes(DISEASE_STATUSES).map(lambda s: {"disease_status": s}),
    st.sampled_from(["any", "active"]).map(lambda s: {"brain_metastases": s}),
    st.just({"measurable_disease": True}),
    st.one_of(st.just({}), st.integers(1, 20).map(lambda n: {"within_years": n})).map(lambda s: {"other_cancer": s}),
    codes(COMORBIDITIES).map(lambda c: {"comorbidity": c}),
    st.fixed_dictionaries({"items": codes(DRUGS + CLASSES + THERAPIES), "within_weeks": st.integers(1, 104)}).map(
        lambda s: {"recent_therapy": s}),
    st.one_of(st.just({}), st.integers(1, 120).map(lambda n: {"within_months": n})).map(
        lambda s: {"suicidal_behavior": s}),
    st.integers(0, 40).flatmap(lambda total: st.integers(0, total).map(
        lambda reviewed: {"criteria_review": {"reviewed": reviewed, "total": total}})),
)
DECLARED_IN_STRATEGIES = {
    "age", "sex", "condition", "stage", "metastatic", "ecog", "biomarker", "prior_therapy", "prior_lines",
    "medication", "antidepressant_trials", "phq9", "gad7", "suicidal_ideation", "pregnant", "travel",
    "disease_status", "brain_metastases", "measurable_disease", "other_cancer", "comorbidity", "recent_therapy",
    "suicidal_behavior", "criteria_review",
}
TREES = st.recursive(LEAVES, lambda kids: st.one_of(
    st.lists(kids, min_size=1, max_size=4).map(lambda c: {"all": c}),
    st.lists(kids, min_size=1, max_size=4).map(lambda c: {"any": c}),
    kids.map(lambda c: {"not": c}),
), max_leaves=12)

FIELD_VALUES = {
    "birth_date": st.dates(date(1900, 1, 1), TODAY),
    "sex": st.sampled_from(["female", "male"]),
    "condition_codes": st.lists(st.sampled_from(CONDITIONS + ["onc:UNLISTED"]), max_size=3),
    "stage": st.sampled_from(STAGES + ["unsure"]),
    "metastatic": st.booleans(),
    "ecog": st.integers(0, 5),
    "biomarkers": st.dictionaries(st.sampled_from(GENES), st.sampled_from(["positive", "negative", "unknown"]),
                                  max_size=4),
    "prior_therapies": st.lists(st.sampled_from(DRUGS + CLASSES + THERAPIES), max_size=4),
    "prior_lines": st.integers(0, 10),
    "medications": st.lists(st.sampled_from(DRUGS), max_size=4),
    "antidepressant_trials": st.integers(0, 10),
    "phq9": st.integers(0, 27),
    "gad7": st.integers(0, 21),
    "suicidal_ideation": st.booleans(),
    "pregnant": st.booleans(),
    "postal_code": st.just("77030"),
    "latitude": st.floats(25, 48),
    "longitude": st.floats(-124, -67),
    "travel_radius_km": st.floats(0, 3000),
    "disease_status": st.sampled_from(DISEASE_STATUSES),
    "brain_metastases": st.sampled_from(["none", "treated_stable", "active"]),
    "measurable_disease": st.booleans(),
    "other_cancer": st.booleans(),
    "other_cancer_years_ago": st.integers(0, 40),
    "comorbidities": st.lists(st.sampled_from(COMORBIDITIES), max_size=3),
    "last_therapy_weeks": st.dictionaries(
        st.sampled_from(DRUGS + CLASSES + THERAPIES),
        st.sampled_from([(0, 4), (4, 13), (13, None), (0, 1), (26, 52)]), max_size=3),
    "suicidal_behavior": st.booleans(),
    "suicidal_behavior_months_ago": st.integers(0, 240),
}
FIELDS = [f.name for f in fields(Profile) if f.init]
PROFILES = st.fixed_dictionaries({name: st.none() | FIELD_VALUES[name] for name in FIELDS}).map(lambda d: Profile(**d))
SITE_LISTS = st.lists(st.sampled_from(SITES), max_size=3)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_declared_leaf_is_generated_here():
    assert set(DECLARED) == DECLARED_IN_STRATEGIES


@FAST
@given(TREES, PROFILES, SITE_LISTS)
def test_evaluation_never_raises_and_the_verdict_is_json_safe(tree, profile, sites):
    assert validate_rule(tree) == []
    verdict = evaluate(tree, profile, today=TODAY, sites=sites)
    assert verdict.outcome in ("eligible", "possible", "not_eligible")
    json.dumps(verdict.to_dict())
    assert (verdict.outcome == "possible") or not verdict.questions


@FAST
@given(TREES)
def test_every_generated_tree_also_passes_the_json_schema(tree):
    assert list(Draft202012Validator(rule_schema()).iter_errors(tree)) == []


@FAST
@given(TREES, PROFILES, SITE_LISTS)
def test_not_not_x_is_x(tree, profile, sites):
    plain = evaluate(tree, profile, today=TODAY, sites=sites)
    doubled = evaluate({"not": {"not": tree}}, profile, today=TODAY, sites=sites)
    assert doubled.outcome == plain.outcome
    assert [r.outcome for r in doubled.reasons] == [r.outcome for r in plain.reasons]
    assert doubled.questions == plain.questions


@FAST
@given(TREES, PROFILES, SITE_LISTS, st.data())
def test_learning_one_unknown_fact_never_changes_a_known_outcome(tree, profile, sites, data):
    unknown_fields = [name for name in FIELDS if getattr(profile, name) is None]
    assume(unknown_fields)
    name = data.draw(st.sampled_from(unknown_fields))
    # A man's pregnancy is inferred as "no"; an explicit "yes" contradicts the answers, not the logic.
    assume(not (name == "pregnant" and profile.sex == "male"))
    before = evaluate(tree, profile, today=TODAY, sites=sites).outcome
    after = evaluate(tree, profile.replace(**{name: data.draw(FIELD_VALUES[name])}), today=TODAY, sites=sites).outcome
    if before != "possible":
        assert after == before
    assert not (before == "not_eligible" and after == "eligible")
