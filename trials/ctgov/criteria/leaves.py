"""Checking a suggested rule: the engine's validate_rule for the leaves it knows, the agreed spec for new ones.

The new leaves (disease_status, brain_metastases, other_cancer, comorbidity, recent_therapy, measurable_disease,
suicidal_behavior) are being added to the engine in parallel (plan: new-leaves.md). Until the engine knows a
leaf, its suggestions are checked here against that spec; once it does, the engine's own validation is used.
"""

from __future__ import annotations

from trials.eligibility.schema import LEAF_NAMES, validate_rule
from trials.vocabulary import load_vocabulary

DISEASE_STATUSES = ("newly_diagnosed", "relapsed", "refractory", "remission")
# The comorbidity codes agreed for the new leaf; psy: codes of the vocabulary are allowed too.
COMORBIDITY_CODES = (
    "other:HIV", "other:HBV", "other:HCV", "other:HEART_FAILURE", "other:MI_STROKE_RECENT", "other:SEIZURE",
    "other:DIABETES", "other:SUBSTANCE_USE", "psy:BIPOLAR", "psy:PSYCHOSIS",
)
NEW_LEAVES = ("disease_status", "brain_metastases", "other_cancer", "comorbidity", "recent_therapy",
              "measurable_disease", "suicidal_behavior")


def _is_int(value, low, high) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _window(spec, key, low, high, where) -> list[str]:
    if not isinstance(spec, dict) or set(spec) - {key}:
        return [f"{where}: must be {{}} or {{\"{key}\": N}}"]
    if key in spec and not _is_int(spec[key], low, high):
        return [f"{where}.{key}: must be an integer {low}–{high}"]
    return []


def _new_leaf_errors(leaf: str, spec, where: str) -> list[str]:
    vocab = load_vocabulary()
    if leaf == "disease_status":
        if not isinstance(spec, list) or not spec or any(s not in DISEASE_STATUSES for s in spec):
            return [f"{where}: must be a non-empty list of {', '.join(DISEASE_STATUSES)}"]
        return [f"{where}: lists a status twice"] if len(set(spec)) != len(spec) else []
    if leaf == "brain_metastases":
        return [] if spec in ("any", "active") else [f"{where}: must be 'any' or 'active'"]
    if leaf == "other_cancer":
        return _window(spec, "within_years", 1, 20, where)
    if leaf == "suicidal_behavior":
        return _window(spec, "within_months", 1, 120, where)
    if leaf == "measurable_disease":
        return [] if spec is True else [f"{where}: must be true"]
    if leaf == "comorbidity":
        if not isinstance(spec, list) or not spec:
            return [f"{where}: must be a non-empty list of codes"]
        bad = [c for c in spec if c not in COMORBIDITY_CODES and not (
            isinstance(c, str) and c.startswith("psy:") and c in vocab.conditions)]
        errors = [f"{where}: unknown comorbidity code {c!r}" for c in bad]
        return errors + ([f"{where}: lists a code twice"] if len(set(map(str, spec))) != len(spec) else [])
    if leaf == "recent_therapy":
        if not isinstance(spec, dict) or set(spec) != {"items", "within_weeks"}:
            return [f"{where}: must be {{\"items\": [...], \"within_weeks\": N}}"]
        errors = [] if _is_int(spec["within_weeks"], 1, 104) else [f"{where}.within_weeks: must be an integer 1–104"]
        items = spec["items"]
        if not isinstance(items, list) or not items:
            return [*errors, f"{where}.items: must be a non-empty list"]
        errors += [f"{where}.items: unknown drug, class or therapy {i!r}" for i in items if not vocab.is_known_id(i)]
        return errors + ([f"{where}.items: lists an item twice"] if len(set(map(str, items))) != len(items) else [])
    return [f"{where}: unknown criterion {leaf!r}"]


def spec_errors(rule, where: str = "") -> list[str]:
    """Every problem with a suggested rule; [] when it is valid."""
    if not isinstance(rule, dict) or len(rule) != 1:
        return [f"{where or 'rule'}: must be an object with one key"]
    ((key, spec),) = rule.items()
    here = f"{where}.{key}" if where else key
    if key in ("all", "any"):
        if not isinstance(spec, list) or not spec:
            return [f"{here}: must be a non-empty list"]
        return [e for i, child in enumerate(spec) for e in spec_errors(child, f"{here}[{i}]")]
    if key == "not":
        return spec_errors(spec, here)
    if key in NEW_LEAVES and key not in LEAF_NAMES:
        return _new_leaf_errors(key, spec, here)
    return [f"{where + ': ' if where else ''}{m}" for m in validate_rule(rule)]
