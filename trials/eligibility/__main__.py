"""`python -m trials.eligibility > trials/eligibility/rule.schema.json` writes the rule's JSON Schema."""

import sys

from trials.eligibility.schema import rule_schema_json

sys.stdout.write(rule_schema_json())
