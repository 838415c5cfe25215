"""The leaves of the rule language, declared by subject. Importing this package registers them all.

Each module declares its leaves with `register(...)` (see `trials.eligibility.declaration`). The order
below is the order of the schema's alternatives and of `validate_rule`'s list of known criteria.
"""

# isort: off
from trials.eligibility.leaves import person, cancer, treatment, mental_health, travel, review  # noqa: F401
# isort: on
