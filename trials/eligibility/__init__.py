"""The eligibility engine: plain data in (a profile, a rule tree, a date, sites), a verdict out.

No Django here, by design: see DESIGN.md, "Criteria: one small language".
"""

from trials.eligibility.evaluate import ENGINE_VERSION, Reason, Verdict, evaluate, trial_rule
from trials.eligibility.geo import SiteLocation, haversine_km, km_to_miles, miles_to_km, nearest_site
from trials.eligibility.profile import Profile
from trials.eligibility.schema import RuleError, check_rule, rule_schema, validate_rule

__all__ = [
    "ENGINE_VERSION", "Profile", "Reason", "RuleError", "SiteLocation", "Verdict", "check_rule", "evaluate",
    "haversine_km", "km_to_miles", "miles_to_km", "nearest_site", "rule_schema", "trial_rule", "validate_rule",
]
