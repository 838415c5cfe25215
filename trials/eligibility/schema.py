"""Checking a rule tree before it is stored: messages that name the path, in the tree's own notation.

`rule.schema.json` is the formal grammar (Draft 2020-12, usable by other tools); the hand-written checks
below exist because a schema's own messages for a failed `oneOf` are unreadable to an admin, and because
codes must exist in the vocabulary. The schema still runs as a backstop, so the two cannot drift apart
silently.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from trials.vocabulary import load_vocabulary

SCHEMA_PATH = Path(__file__).resolve().parent / "rule.schema.json"
STAGES = ("0", "I", "II", "III", "IV")
INNER = ("all", "any", "not")
RANGE_LIMITS = {  # leaf: (lowest, highest, integers only)
    "age": (0, 120, False), "ecog": (0, 5, True), "prior_lines": (0, 20, True),
    "antidepressant_trials": (0, 20, True), "phq9": (0, 27, True), "gad7": (0, 21, True),
}
BOOLEANS = ("metastatic", "suicidal_ideation", "pregnant")
CODE_LISTS = ("condition", "prior_therapy", "medication")
LEAF_NAMES = (*RANGE_LIMITS, *BOOLEANS, *CODE_LISTS, "sex", "stage", "biomarker", "travel")


class RuleError(ValueError):
    """A rule tree that cannot be used; `.messages` names each problem by path."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@cache
def rule_schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _schema_validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(rule_schema())


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _stage_ok(value) -> bool:
    if not isinstance(value, str):
        return False
    return value in STAGES or (len(value) > 1 and value[:-1] in STAGES and value[-1] in "ABC")


def _check_range(leaf: str, spec, where: str, out: list[str]) -> None:
    low, high, integer = RANGE_LIMITS[leaf]
    kind = "an integer" if integer else "a number"
    if not isinstance(spec, dict) or not spec:
        out.append(f"{where}: must be an object with min, max or both")
        return
    for key, value in spec.items():
        if key not in ("min", "max"):
            out.append(f"{where}.{key}: unknown key (use min and max)")
        elif not _is_number(value) or (integer and value != int(value)) or not low <= value <= high:
            out.append(f"{where}.{key}: must be {kind} {low}–{high}")
    if _is_number(spec.get("min")) and _is_number(spec.get("max")) and spec["min"] > spec["max"]:
        out.append(f"{where}: min {spec['min']} is greater than max {spec['max']}")


def _check_codes(leaf: str, spec, where: str, out: list[str]) -> None:
    vocab = load_vocabulary()
    if not isinstance(spec, list) or not spec:
        out.append(f"{where}: must be a non-empty list of codes")
        return
    for i, code in enumerate(spec):
        if not isinstance(code, str):
            out.append(f"{where}[{i}]: must be a code string")
        elif leaf == "condition" and code not in vocab.conditions:
            out.append(f"{where}[{i}]: unknown condition code {code!r}")
        elif leaf == "medication" and code not in vocab.drugs and code not in vocab.classes:
            out.append(f"{where}[{i}]: unknown drug or drug class {code!r}")
        elif leaf == "prior_therapy" and not vocab.is_known_id(code):
            out.append(f"{where}[{i}]: unknown drug, drug class or therapy {code!r}")
    if len(set(map(str, spec))) != len(spec):
        out.append(f"{where}: lists a code twice")


def _check_leaf(leaf: str, spec, where: str, out: list[str]) -> None:
    if leaf in RANGE_LIMITS:
        _check_range(leaf, spec, where, out)
    elif leaf in BOOLEANS:
        if not isinstance(spec, bool):
            out.append(f"{where}: must be true or false")
    elif leaf in CODE_LISTS:
        _check_codes(leaf, spec, where, out)
    elif leaf == "sex":
        if not isinstance(spec, list) or not spec:
            out.append(f"{where}: must be a non-empty list of 'female' and/or 'male'")
        else:
            out.extend(f"{where}[{i}]: must be 'female' or 'male'"
                       for i, s in enumerate(spec) if s not in ("female", "male"))
    elif leaf == "travel":
        if spec is not True:
            out.append(f"{where}: must be true")
    elif leaf == "biomarker":
        if not isinstance(spec, dict):
            out.append(f"{where}: must be an object with gene and status")
            return
        gene = spec.get("gene")
        if not isinstance(gene, str) or not load_vocabulary().biomarker(gene):
            out.append(f"{where}.gene: unknown gene {gene!r}")
        if spec.get("status") not in ("positive", "negative"):
            out.append(f"{where}.status: must be 'positive' or 'negative'")
        out.extend(f"{where}.{k}: unknown key (use gene and status)" for k in spec if k not in ("gene", "status"))
    elif leaf == "stage":
        if not isinstance(spec, dict) or not spec:
            out.append(f"{where}: must be {{\"in\": [stages]}} or {{\"min\"/\"max\": stage}}")
            return
        stage_msg = "must be a stage 0, I, II, III or IV, optionally with a sub-stage A–C"
        if "in" in spec:
            if set(spec) != {"in"}:
                out.append(f"{where}: use either in, or min/max, not both")
            if not isinstance(spec["in"], list) or not spec["in"]:
                out.append(f"{where}.in: must be a non-empty list of stages")
            else:
                out.extend(f"{where}.in[{i}]: {stage_msg}" for i, s in enumerate(spec["in"]) if not _stage_ok(s))
        else:
            for key, value in spec.items():
                if key not in ("min", "max"):
                    out.append(f"{where}.{key}: unknown key (use in, min or max)")
                elif not _stage_ok(value):
                    out.append(f"{where}.{key}: {stage_msg}")


def _check_node(node, path: str, out: list[str]) -> None:
    here = path or "rule"
    if not isinstance(node, dict):
        out.append(f"{here}: must be an object such as {{\"all\": [...]}} or {{\"age\": {{...}}}}")
        return
    if len(node) != 1:
        keys = ", ".join(sorted(map(str, node))) or "none"
        out.append(f"{here}: must have exactly one key, has {len(node)} ({keys}); wrap several in \"all\"")
        return
    ((key, spec),) = node.items()
    where = f"{path}.{key}" if path else key
    if key in ("all", "any"):
        if not isinstance(spec, list) or not spec:
            out.append(f"{where}: must be a non-empty list of criteria")
            return
        for i, child in enumerate(spec):
            _check_node(child, f"{where}[{i}]", out)
    elif key == "not":
        _check_node(spec, where, out)
    elif key in LEAF_NAMES:
        _check_leaf(key, spec, where, out)
    else:
        out.append(f"{where}: unknown criterion {key!r} (known: {', '.join(INNER + LEAF_NAMES)})")


def _schema_path(parts) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "rule"


def validate_rule(tree) -> list[str]:
    """Every problem with `tree`, each naming its path ("all[2].ecog.max: must be an integer 0–5"); [] = valid."""
    messages: list[str] = []
    _check_node(tree, "", messages)
    if not messages:
        messages = [f"{_schema_path(e.absolute_path)}: {e.message}" for e in _schema_validator().iter_errors(tree)]
    return messages


def check_rule(tree) -> dict:
    """Return `tree` if valid, else raise RuleError with every message."""
    messages = validate_rule(tree)
    if messages:
        raise RuleError(messages)
    return tree
