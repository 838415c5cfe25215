"""Checking a rule tree before it is stored, and its JSON Schema: both derived from the leaf declarations.

`rule_schema()` is the formal grammar (Draft 2020-12, usable by other tools; `rule.schema.json` holds a
copy, regenerated with `python -m trials.eligibility > trials/eligibility/rule.schema.json`). The
declarations' own checks give the messages, because a schema's messages for a failed `oneOf` are
unreadable to an admin and because codes must exist in the vocabulary; the schema still runs as a
backstop, so a check that forgets something the grammar forbids is still caught.
"""

from __future__ import annotations

import json
from functools import lru_cache

from trials.eligibility import leaves  # noqa: F401  (registers the leaves)
from trials.eligibility.declaration import INNER, LEAVES, REGISTRY


class RuleError(ValueError):
    """A rule tree that cannot be used; `.messages` names each problem by path."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


def rule_schema() -> dict:
    """The JSON Schema of a rule tree, built from the declared leaves."""
    def inner(key, value):
        return {"type": "object", "properties": {key: value}, "required": [key], "additionalProperties": False}

    node = {"$ref": "#/$defs/node"}
    defs = {"node": {"oneOf": [
        inner("all", {"type": "array", "minItems": 1, "items": node}),
        inner("any", {"type": "array", "minItems": 1, "items": node}),
        inner("not", node),
        *({"$ref": f"#/$defs/{name}"} for name in LEAVES),
    ]}}
    defs.update((name, inner(name, leaf.spec_schema())) for name, leaf in LEAVES.items())
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://trialbridge.example/schemas/rule.schema.json",
        "title": "TrialBridge eligibility rule",
        "description": "A rule tree: inner nodes all/any/not, leaves naming one fact of the patient profile. "
                       "Generated from the leaf declarations in trials/eligibility/leaves/. Codes are checked "
                       "against the vocabulary by validate_rule, not here; nor is min <= max.",
        "$ref": "#/$defs/node",
        "$defs": defs,
    }


def rule_schema_json() -> str:
    return json.dumps(rule_schema(), indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _schema_validator(generation: int):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(rule_schema())


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
    elif key in LEAVES:
        out.extend(LEAVES[key].check(spec, where))
    else:
        out.append(f"{where}: unknown criterion {key!r} (known: {', '.join((*INNER, *LEAVES))})")


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
        validator = _schema_validator(REGISTRY.generation)
        messages = [f"{_schema_path(e.absolute_path)}: {e.message}" for e in validator.iter_errors(tree)]
    return messages


def validate_criteria(tree) -> list[str]:
    """validate_rule for criteria an admin writes: leaves that state a fact of the trial (criteria_review) come
    from the trial's own fields through trial_rule, never from curated criteria."""
    messages = validate_rule(tree)
    if not messages:
        messages = [f"{path}: comes from the trial's review of its eligibility items, not from criteria"
                    for path in _trial_fact_paths(tree, "")]
    return messages


def _trial_fact_paths(node, path: str) -> list[str]:
    ((key, spec),) = node.items()
    where = f"{path}.{key}" if path else key
    if key in ("all", "any"):
        return [p for i, child in enumerate(spec) for p in _trial_fact_paths(child, f"{where}[{i}]")]
    if key == "not":
        return _trial_fact_paths(spec, where)
    return [where] if LEAVES[key].waits_on != "patient" else []


def check_rule(tree) -> dict:
    """Return `tree` if valid, else raise RuleError with every message."""
    messages = validate_rule(tree)
    if messages:
        raise RuleError(messages)
    return tree
