"""Every patient-facing string has its Spanish, and the compiled catalog says the same as the source."""

import gettext
import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES"


def entries():
    """(msgid, msgstr, flags, msgid_plural) for every entry of the Spanish .po file without a context (what plain
    gettext finds), plural forms folded into msgstr in order."""
    for msgid, msgstr, flags, plural, context in entries_with_contexts():
        if context is None:
            yield msgid, msgstr, flags, plural


def entries_with_contexts():
    """Every entry as (msgid, msgstr, flags, msgid_plural, msgctxt); msgctxt is None where there is none (Spanish
    words that agree with the patient are one English msgid under a context each: "female patient", ...)."""
    text = (CATALOG / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        fields, current = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            msgstr = fields.get("msgstr", "") or "".join(v for k, v in fields.items() if k.startswith("msgstr["))
            yield fields["msgid"], msgstr, flags, fields.get("msgid_plural"), fields.get("msgctxt")


def test_every_string_has_a_spanish_translation_that_is_not_fuzzy():
    missing = [msgid for msgid, msgstr, *_ in entries_with_contexts() if not msgstr]
    fuzzy = [msgid for msgid, _, flags, *_ in entries_with_contexts() if "fuzzy" in flags]
    assert not missing, f"untranslated: {missing[:5]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:5]}"


def test_the_compiled_catalog_says_what_the_source_says():
    with open(CATALOG / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    stale = [msgid for msgid, msgstr, _, plural, context in entries_with_contexts()
             if "\\" not in msgid and "\\" not in msgstr and compiled_says(catalog, msgid, plural, context) != msgstr]
    assert not stale, f"run `make messages` to recompile: {stale[:5]}"


def compiled_says(catalog, msgid, plural, context=None):
    """What the compiled catalog says, plural forms folded in order (Spanish: 1, a million, any other n); an entry
    with a context is looked up under it."""
    if context is not None:
        if plural is None:
            return catalog.pgettext(context, msgid)
        return "".join(catalog.npgettext(context, msgid, plural, n) for n in (1, 1_000_000, 2))
    if plural is None:
        return catalog.gettext(msgid)
    return "".join(catalog.ngettext(msgid, plural, n) for n in (1, 1_000_000, 2))
