"""The progress bar over the patient's way in: the intake's stages, and the authorization page (consent) after them."""

from django.utils.translation import gettext_lazy as _

STAGES = [
    ("about", _("About you")),
    ("health", _("Your health")),
    ("contact", _("Contact")),
    ("review", _("Review")),
    ("authorization", _("Authorization")),
]
STAGE_OF_STEP = {"about": "about", "condition": "about", "results": "health", "questions": "health",
                 "safety": "health", "medicines": "health", "contact": "contact", "review": "review"}


def progress(current_stage):
    """The context of templates/includes/progress.html with `current_stage` as the current one."""
    keys = [key for key, _label in STAGES]
    return {
        "stages": [{"label": label, "current": key == current_stage,
                    "done": keys.index(key) < keys.index(current_stage)} for key, label in STAGES],
        "step_number": keys.index(current_stage) + 1,
        "step_total": len(STAGES),
        "stage_label": dict(STAGES)[current_stage],
    }
