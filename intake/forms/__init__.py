"""The intake's forms: the wizard's steps, and the status page's follow-up questions."""

from .choices import describe_drugs, kind_of, miles_to_km
from .followups import FollowUpForm
from .steps import (
    AboutForm,
    ConditionForm,
    EditLocationForm,
    MedicinesCheckForm,
    MentalHealthForm,
    OncologyForm,
    SafetyForm,
    safety_item_answered_above_not_at_all,
)

__all__ = ["AboutForm", "ConditionForm", "EditLocationForm", "FollowUpForm", "MedicinesCheckForm", "MentalHealthForm",
           "OncologyForm", "SafetyForm", "describe_drugs", "kind_of", "miles_to_km",
           "safety_item_answered_above_not_at_all"]
