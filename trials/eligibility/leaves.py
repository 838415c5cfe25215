"""One function per leaf of the rule language: (spec, facts, nearest) -> True | False | None.

None means unknown (the patient has not told us). Leaves assume a valid spec (`validate_rule` runs when a
trial is saved, not here) because they run thousands of times per matching run.
"""

from __future__ import annotations

import re

from trials.eligibility.profile import Facts
from trials.vocabulary import load_vocabulary

STAGE_RE = re.compile(r"^\s*(?:STAGE\s+)?(IV|III|II|I|0)([A-C]?)\d?\s*$", re.IGNORECASE)
STAGE_ORDER = {"0": 0, "I": 1, "II": 2, "III": 3, "IV": 4}

# Which profile answer would settle each leaf; returned as verdict.questions.
QUESTIONS = {
    "age": "birth_date", "sex": "sex", "condition": "condition_codes", "stage": "stage",
    "metastatic": "metastatic", "ecog": "ecog", "prior_therapy": "prior_therapies",
    "prior_lines": "prior_lines", "medication": "medications", "antidepressant_trials": "antidepressant_trials",
    "phq9": "phq9", "gad7": "gad7", "suicidal_ideation": "suicidal_ideation", "pregnant": "pregnant",
}


def parse_stage(text: str | None) -> tuple[int, str] | None:
    """"IIIA" -> (3, "A"); "Stage IV" -> (4, ""); anything else -> None."""
    if not text:
        return None
    m = STAGE_RE.match(text)
    return (STAGE_ORDER[m.group(1).upper()], m.group(2).upper()) if m else None


def in_range(value, spec: dict) -> bool | None:
    if value is None:
        return None
    low, high = spec.get("min"), spec.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def age_uses_months(spec: dict) -> bool:
    return any(b is not None and b != int(b) for b in (spec.get("min"), spec.get("max")))


def age(spec, facts: Facts, nearest):
    if facts.age_months is None:
        return None
    if age_uses_months(spec):
        # Fractional bounds (0.5 = six months) compare in completed months.
        return in_range(facts.age_months, {k: round(spec[k] * 12) for k in ("min", "max") if spec.get(k) is not None})
    return in_range(facts.age_years, spec)


def sex(spec, facts: Facts, nearest):
    value = facts.profile.sex
    return None if value is None else value in spec


def condition(spec, facts: Facts, nearest):
    tags = facts.condition_tags
    if tags is None:
        return None
    return any(code in tags for code in spec)


def _stage_cmp(patient: tuple[int, str], rule: tuple[int, str]) -> int | None:
    """-1/0/1 comparing stages; None when only the sub-stage could tell (IIIA vs a bare III)."""
    if patient[0] != rule[0]:
        return -1 if patient[0] < rule[0] else 1
    if not rule[1]:
        return 0
    if not patient[1]:
        return None
    return (patient[1] > rule[1]) - (patient[1] < rule[1])


def stage(spec, facts: Facts, nearest):
    patient = parse_stage(facts.profile.stage)
    if patient is None:
        return None
    if "in" in spec:
        unsure = False
        for item in spec["in"]:
            cmp = _stage_cmp(patient, parse_stage(item))
            if cmp == 0:
                return True
            unsure = unsure or cmp is None
        return None if unsure else False
    result: bool | None = True
    for key, bad in (("min", -1), ("max", 1)):
        if spec.get(key) is None:
            continue
        cmp = _stage_cmp(patient, parse_stage(spec[key]))
        if cmp == bad:
            return False
        if cmp is None:
            result = None
    return result


def _equals(value, wanted):
    return None if value is None else value == wanted


def metastatic(spec, facts: Facts, nearest):
    return _equals(facts.profile.metastatic, spec)


def suicidal_ideation(spec, facts: Facts, nearest):
    return _equals(facts.profile.suicidal_ideation, spec)


def pregnant(spec, facts: Facts, nearest):
    return _equals(facts.pregnant, spec)


def ecog(spec, facts: Facts, nearest):
    return in_range(facts.profile.ecog, spec)


def prior_lines(spec, facts: Facts, nearest):
    return in_range(facts.profile.prior_lines, spec)


def antidepressant_trials(spec, facts: Facts, nearest):
    return in_range(facts.profile.antidepressant_trials, spec)


def phq9(spec, facts: Facts, nearest):
    return in_range(facts.profile.phq9, spec)


def gad7(spec, facts: Facts, nearest):
    return in_range(facts.profile.gad7, spec)


def biomarker_status(spec, facts: Facts) -> str | None:
    markers = facts.profile.biomarkers
    if markers is None:
        return None
    return markers.get(load_vocabulary().gene_key(spec["gene"]))


def biomarker(spec, facts: Facts, nearest):
    return _equals(biomarker_status(spec, facts), spec["status"])


def prior_therapy(spec, facts: Facts, nearest):
    tags = facts.prior_tags
    if tags is None:
        return None
    return any(item in tags for item in spec)


def medication(spec, facts: Facts, nearest):
    tags = facts.medication_tags
    if tags is None:
        return None
    return any(item in tags for item in spec)


def travel_unknown_question(facts: Facts) -> str | None:
    p = facts.profile
    if p.latitude is None or p.longitude is None:
        return "location"
    if p.travel_radius_km is None:
        return "travel_radius_km"
    return None


def travel(spec, facts: Facts, nearest):
    """Met when the nearest recruiting site is within the patient's radius; {"travel": false} never fails."""
    if spec is False:
        return True
    if travel_unknown_question(facts):
        return None
    if nearest is None:
        return False
    return nearest[1] <= facts.profile.travel_radius_km


LEAVES = {
    "age": age, "sex": sex, "condition": condition, "stage": stage, "metastatic": metastatic, "ecog": ecog,
    "biomarker": biomarker, "prior_therapy": prior_therapy, "prior_lines": prior_lines, "medication": medication,
    "antidepressant_trials": antidepressant_trials, "phq9": phq9, "gad7": gad7,
    "suicidal_ideation": suicidal_ideation, "pregnant": pregnant, "travel": travel,
}
