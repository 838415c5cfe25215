"""Free-text eligibility items: their identity across re-imports, their review states, their text as people read it."""

import hashlib
import html
import re

from django.db import models
from django.utils.translation import gettext_lazy as _


def registry_text(text):
    """Registry text as people read it: the registry's backslash escapes (`\\<`, `\\&lt;`) and HTML entities
    undone. Escaped again by the template like any other text."""
    text = re.sub(r"\\([<>=*_\[\]#~^&+.()!-])", r"\1", str(text or ""))
    return html.unescape(text).replace("\\\\", "\\")


def item_key(section, text):
    """A free-text eligibility item's identity across re-imports: its section and its words, spacing aside."""
    normalized = f"{section}|{' '.join(str(text).split()).casefold()}"
    return hashlib.sha256(normalized.encode()).hexdigest()[:16]


class ItemReview(models.TextChoices):
    """What became of one free-text eligibility item. An item with no decision is pending."""

    PENDING = "pending", _("Pending review")
    ACCEPTED = "accepted", _("Expressed as a rule")
    SCREENING = "screening", _("Checked by the study team at screening")
    NOT_CRITERION = "not_criterion", _("Not a criterion (a heading or a note)")
