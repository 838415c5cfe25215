"""Free-text eligibility: split into inclusion / exclusion items and read out what can be read reliably.

What is read becomes a *suggestion* (a rule in the criteria language, never applied by itself): an admin
accepts or edits it in the admin. Items a patient cannot answer (labs, organ function, life expectancy,
contraception, consent, logistics) are marked as screening items, for the study team. The work is done in
`trials.ctgov.criteria` (split, read); this module is the importer's interface to it.
"""

from __future__ import annotations

from trials.ctgov.criteria.patterns import is_screening
from trials.ctgov.criteria.read import Suggestion, read_item
from trials.ctgov.criteria.split import EXCLUSION, INCLUSION, OTHER, Item, clean, split_items

__all__ = ["EXCLUSION", "INCLUSION", "OTHER", "Item", "Suggestion", "clean", "is_screening", "read_eligibility", "read_item",  # noqa: E501
           "split_items"]


def read_eligibility(text: str, *, min_age_years=None, max_age_years=None):
    """(items, suggestions) for a record's eligibility text.

    items: [{"section", "text", "understood", "screening"}]; suggestions: [{"kind", "section", "item", "text",
    "rule", "note"}], where "item" is the index of the item it was read from. A rule already suggested for an
    earlier item of the same text is not suggested again.
    """
    items, suggestions, seen = [], [], set()
    for index, item in enumerate(split_items(text)):
        understood, found = read_item(item, structured_age=(min_age_years, max_age_years))
        items.append({"section": item.section, "text": item.text, "understood": understood,
                      "screening": is_screening(item.text)})
        for s in found:
            key = repr(s.rule)
            if key in seen:
                continue
            seen.add(key)
            suggestions.append({"kind": s.kind, "section": item.section, "item": index, "text": item.text,
                                "rule": s.rule, "note": s.note})
    return items, suggestions
