"""The eligibility engine: plain data in (a profile, a rule tree, a date, sites), a verdict out.

No Django here, by design: see DESIGN.md, "Criteria: one small language". Sentences are worded by a
translator the caller passes in (see `words`); the leaves are declared in `leaves/` (see `declaration`).
"""

from trials.eligibility.declaration import LEAVES, QUESTIONS, Choice, Leaf, Question, question, register
from trials.eligibility.evaluate import (
    ENGINE_VERSION,
    Reason,
    Verdict,
    evaluate,
    render_reason,
    render_reasons,
    trial_rule,
)
from trials.eligibility.geo import SiteLocation, haversine_km, km_to_miles, miles_to_km, nearest_site
from trials.eligibility.profile import Profile
from trials.eligibility.schema import RuleError, check_rule, rule_schema, validate_criteria, validate_rule
from trials.eligibility.words import ENGLISH, Translator

__all__ = [
    "ENGINE_VERSION", "ENGLISH", "LEAVES", "QUESTIONS", "Choice", "Leaf", "Profile", "Question", "Reason",
    "RuleError", "SiteLocation", "Translator", "Verdict", "check_rule", "evaluate", "haversine_km", "km_to_miles",
    "miles_to_km", "nearest_site", "question", "register", "render_reason", "render_reasons", "rule_schema",
    "trial_rule", "validate_criteria", "validate_rule",
]
