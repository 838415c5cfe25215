"""The trials app's models, one module per subject; everything is importable from trials.models."""

from .imports import (  # noqa: F401
    ImportRun,
)
from .review import ItemReview, item_key, registry_text  # noqa: F401
from .sites import Site  # noqa: F401
from .teams import (  # noqa: F401
    RoutingRule,
    TrialTeam,
    TrialTeamQuerySet,
    comma_list,
    safety_team_is_staffed,
    validate_time_zone,
)
from .trial import (  # noqa: F401
    STATUS_FRESH_DAYS,
    Trial,
    TrialCondition,
    TrialQuerySet,
    status_fresh_since,
)
