from django import template

from ..progress import progress

register = template.Library()


@register.inclusion_tag("includes/progress.html")
def intake_progress(stage, patient=None):
    """The progress bar at `stage`; on the authorization page only for a first signature, right after the
    intake (signing again from the status page is not part of it)."""
    if patient is not None and patient.has_signed():
        return {}
    return progress(stage)
