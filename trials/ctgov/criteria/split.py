"""Free-text eligibility → items, each with its section and the heading or lead line it sits under.

Registries write the same structure many ways: "Inclusion Criteria:", "Key Inclusion Criteria",
"Patient Exclusion Criteria:", "EXCLUSION CRITERIA -", "## Exclusion", "-  INCLUSION CRITERIA:", headings
for one group only ("Exclusion Criteria for Healthy Volunteers:"), and lead lines whose nested bullets
only make sense together ("Must have one of the following:"). The context is kept with each item so
the reader never applies a sub-population's rule to everyone or one alternative as a requirement.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

INCLUSION, EXCLUSION, OTHER = "inclusion", "exclusion", "other"

# Scope of the context an item sits under.
EVERYONE, SUBPOPULATION, ALTERNATIVES, DEFINITION, EXCEPTIONS = "", "subpopulation", "alternatives", "definition", "exceptions"  # noqa: E501


@dataclass(frozen=True)
class Item:
    section: str  # inclusion | exclusion | other
    text: str
    context: str = ""  # the sub-heading or lead line it sits under, if any
    scope: str = EVERYONE  # what that context makes of the item (see the constants above)


def clean(text: str) -> str:
    """Undo the registry's escaping: `\\<` / `\\>` in API v2 text, `\\r` line ends in the legacy XML."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\\([<>=*_\[\]#~^\\-])", r"\1", text)


def text_hash(text: str) -> str:
    """A short fingerprint of an item's words, to notice when a label no longer points at the same item."""
    normal = re.sub(r"\s+", " ", text.strip().casefold())
    return hashlib.sha1(normal.encode()).hexdigest()[:8]


_MARKUP = re.compile(r"^[\s#*_•·●>]+|[\s*_]+$")
_BULLET = re.compile(
    r"^(?:[*\-•·●◦▪o+](?=\s)|\d{1,2}\s?[.)](?=\s|[A-Za-z])|\(\d{1,2}\)|[a-zA-Z][.)](?=\s)|\([a-zA-Z]{1,3}\)|[ivx]{1,4}[.)](?=\s))\s*"
)
_QUALIFIER = (
    r"(?:key|main|major|general|basic|patient|patients|subject|subjects|participant|participants|study|"
    r"disease[\s-]+specific|other|additional|further|specific|individual|family|list\s+of|the|"
    r"pre-?operative|intra-?operative|radiological|clinical|healthy\s+controls?|donor|"
    r"[A-Z][a-z]+)"
)
_HEADING = re.compile(
    rf"^(?:{_QUALIFIER}\s+){{0,3}}(?P<which>inclusion|exclusion|eligibility)"
    r"(?:\s*(?:/|and|&)\s*(?:inclusion|exclusion))?(?:\s+criteri(?:a|on|ar)s?)?"
    r"(?P<tail>\s*(?:\(.{1,60}\)|(?:for|in|of|regarding|-|–|—|\.)\s+[^:.;]{1,70}|)?)\s*[:.\-–—]?\s*(?:are|include)?:?$",
    re.IGNORECASE,
)
_CRITERIA_FOR = re.compile(r"^criteria\s+for\s+(?P<which>inclusion|exclusion)\b[^:]{0,60}:?$", re.I)
# "Subjects who meet any of the following exclusion criteria are not to be enrolled in this study:"
_INTRO = re.compile(
    r"\bfollowing\b.{0,40}\b(?:criteria|criterion|standards?|conditions?)\b|\b(?:criteria|criterion)\b.{0,60}\bfollowing\b|"
    r"^(?:patients?|subjects?|participants?|individuals?)\b.{0,40}\b(?:eligible|enrolled|excluded)\b.{0,40}\bif\b.{0,40}\bfollowing",
    re.I,
)
_INTRO_EXCLUDES = re.compile(r"\bexclu|\bnot\s+(?:be\s+)?(?:eligible|enrolled|included)|\bineligible", re.I)
_SUBPOPULATION = re.compile(
    r"\b(?:controls?|healthy|volunteers?|siblings?|relatives?|famil(?:y|ies)|donors?|caregivers?|parents?|partners?|"
    r"probands?|groups?\s+\w+|cohorts?\s*\w*|arms?\s+\w+|parts?\s+[A-Z0-9]\b|phase\s+I[ab]?\b|phase\s+[12][ab]?\b|"
    r"previously\s+enrolled|randomi[sz]ation|dose[\s-]+(?:escalation|expansion|finding)|"
    r"(?:for|in)\s+(?:patients?|subjects?|participants?|those|women|men|females?|males?|children|adults?)\s+(?:with|who|aged|in|of|receiving|undergoing|<|>|≥|≤|younger|older)|"
    r"only)\b",
    re.I,
)
_GROUP = re.compile(r"^(?:groups?|cohorts?|arms?|parts?|phase)\s+(?:\w{1,4}|[IVX]{1,4}[ab]?)\s*[:;.)-]", re.I)
_EVERYONE = re.compile(r"\b(?:all|every|each)\s+(?:study\s+)?(?:participants?|subjects?|patients?|randomi[sz]ations?|groups?|cohorts?)\b", re.I)  # noqa: E501
_ALTERNATIVES = re.compile(
    r"\b(?:(?:at\s+least\s+)?(?:one|1|two|2)\s+(?:or\s+more\s+)?of\s+the\s+following|either|any\s+of\s+the\s+following|"
    r"one\s+of\s+these|following\s+(?:groups|categories|options))\b",
    re.I,
)
_DEFINITION = re.compile(r"\b(?:(?:is|are)\s+(?:a|an|any|those)\b|defined\s+as|definition|is\s+defined|are\s+defined|means|refers\s+to|i\.e\.|such\s+as|as\s+follows|examples?|including|includes?)\b", re.I)  # noqa: E501
_EXCEPTIONS = re.compile(r"\b(?:except|exception|other\s+than|unless|excluding|but\s+not|permitted|allowed|eligible)\b", re.I)  # noqa: E501


def _heading(line: str):
    """(section or None, heading text) when the line is a section heading, else None."""
    bare = _MARKUP.sub("", line)
    bare = re.sub(r"^(?:\d{1,2}|[A-Z]|[IVX]{1,4})[.)]\s+", "", bare)
    bare = re.sub(r"^[-–—•*]\s*", "", bare).strip()
    if len(bare) > 110:
        return None
    m = _HEADING.match(bare) or _CRITERIA_FOR.match(bare)
    if not m:
        return None
    which = m.group("which").lower()
    if re.search(r"inclusion\s*(?:/|and|&)\s*exclusion", bare, re.I):
        which = "eligibility"
    return (which if which in (INCLUSION, EXCLUSION) else None), bare


def _scope_of(context: str, lead: bool) -> str:
    if not context:
        return EVERYONE
    if _SUBPOPULATION.search(context) and not _EVERYONE.search(context):
        return SUBPOPULATION
    if not lead:
        return EVERYONE
    if _EXCEPTIONS.search(context):
        return EXCEPTIONS
    if _ALTERNATIVES.search(context):
        return ALTERNATIVES
    if _DEFINITION.search(context):
        return DEFINITION
    return EVERYONE


def _indent(raw_line: str) -> int:
    return len(raw_line.expandtabs(4)) - len(raw_line.expandtabs(4).lstrip())


def split_items(text: str) -> list[Item]:
    """Items in the order written, each tagged with the section it sits under and its context.

    Paragraphs are separated by blank lines; inside a paragraph a bullet starts a new item and any
    other line continues the previous one (the legacy XML wraps long items at ~80 columns). A bullet
    ending in ":" is a lead: the more deeply indented bullets after it carry it as their context.
    A plain line ending in ":" is a sub-heading: the items after it carry it until the next one.
    """
    items: list[Item] = []
    section = OTHER
    seen_inclusion = False
    heading_context = ""  # from a heading's own qualifier or a sub-heading
    heading_scope = EVERYONE
    leads: list[tuple[int, str]] = []  # (indent, text) of open lead bullets
    current: list[str] = []
    current_indent = 0
    current_is_bullet = False

    def flush():
        nonlocal heading_context, heading_scope
        if not current:
            return
        joined = re.sub(r"\s+", " ", " ".join(part.strip() for part in current)).strip()
        current.clear()
        joined = _MARKUP.sub("", joined).strip() if joined.startswith(("*", "_", "#")) else joined
        if not joined or re.fullmatch(r"[\W\d_]*", joined):
            return
        while leads and leads[-1][0] >= current_indent:
            leads.pop()
        if joined.endswith(":") and _INTRO.search(joined) and len(joined) < 160 and not leads:
            return  # "Patients must meet all of the following criteria:" says nothing itself
        if not current_is_bullet and joined.endswith(":") and len(joined) <= 120 and ". " not in joined:
            heading_context, heading_scope = joined.rstrip(":"), _scope_of(joined, lead=False)
            leads.clear()
            return
        if _GROUP.match(joined):
            # "Group 2: Women with a history of MDD" opens a group's own criteria, colon or not.
            heading_context, heading_scope = joined.rstrip(":"), SUBPOPULATION
            leads.clear()
        if leads:
            context = leads[-1][1]
            scope = _scope_of(context, lead=True)
            if heading_scope == SUBPOPULATION:
                scope, context = SUBPOPULATION, heading_context
        else:
            context, scope = heading_context, heading_scope
        items.append(Item(section, joined, context, scope))
        if joined.endswith(":") and current_is_bullet:
            leads.append((current_indent, joined.rstrip(":")))

    for raw_line in clean(text or "").split("\n"):
        line = raw_line.strip()
        if not line:
            flush()
            continue
        heading = _heading(line)
        if heading:
            flush()
            which, bare = heading
            if which:
                if which == EXCLUSION and not seen_inclusion:
                    # Items before the first heading of a text that has only an exclusion heading are inclusions.
                    items[:] = [Item(INCLUSION, i.text, i.context, i.scope) if i.section == OTHER else i for i in items]
                section = which
                seen_inclusion = seen_inclusion or which == INCLUSION
            qualifier = re.sub(r"(?i)\b(?:key|main|major|inclusion|exclusion|eligibility|criteri(?:a|on|ar)s?|list of|patients?|subjects?|participants?)\b", "", bare)  # noqa: E501
            heading_scope = _scope_of(qualifier.strip(" :.-–—()"), lead=False)
            heading_context = bare.rstrip(":. ") if heading_scope else ""
            leads.clear()
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            current_indent, current_is_bullet = _indent(raw_line), True
            line = line[bullet.end():]
        elif not current:
            current_indent, current_is_bullet = _indent(raw_line), False
        current.append(line)
    flush()
    return items
