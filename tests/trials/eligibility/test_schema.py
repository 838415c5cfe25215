"""The rule's JSON Schema is derived from the leaf declarations, and the committed copy is that derivation."""

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from trials.eligibility import LEAVES, rule_schema, validate_rule
from trials.eligibility.schema import rule_schema_json

COMMITTED = Path(__file__).resolve().parents[3] / "trials" / "eligibility" / "rule.schema.json"


def test_the_committed_schema_file_is_the_one_the_declarations_give():
    assert COMMITTED.read_text(encoding="utf-8") == rule_schema_json(), (
        "regenerate it: python -m trials.eligibility > trials/eligibility/rule.schema.json")


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(rule_schema())


def test_every_declared_leaf_is_one_alternative_of_a_node_with_its_declared_spec():
    schema = rule_schema()
    alternatives = [a.get("$ref") for a in schema["$defs"]["node"]["oneOf"]]
    assert alternatives[3:] == [f"#/$defs/{name}" for name in LEAVES]
    for name, leaf in LEAVES.items():
        assert schema["$defs"][name] == {"type": "object", "properties": {name: leaf.spec_schema()},
                                         "required": [name], "additionalProperties": False}


@pytest.mark.parametrize("name", list(LEAVES))
def test_each_leafs_example_passes_both_the_checks_and_the_schema_plain_and_negated(name):
    rule = {"all": [{name: LEAVES[name].example}, {"not": {name: LEAVES[name].example}}]}
    assert validate_rule(rule) == []
    assert list(Draft202012Validator(rule_schema()).iter_errors(rule)) == []
