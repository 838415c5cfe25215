"""The intake's forms: the wizard's steps, the questions built from the trials' rules, the follow-ups."""

from .choices import describe_drugs, kind_of, km_to_travel_choice, miles_to_km
from .followups import FollowUpForm
from .questions import QuestionsForm
from .steps import (
    AboutForm,
    ConditionForm,
    ContactForm,
    EditLocationForm,
    PageForm,
    safety_item_answered_above_not_at_all,
)

__all__ = ["AboutForm", "ConditionForm", "ContactForm", "EditLocationForm", "FollowUpForm", "PageForm",
           "QuestionsForm", "describe_drugs", "kind_of", "km_to_travel_choice", "miles_to_km",
           "safety_item_answered_above_not_at_all"]
