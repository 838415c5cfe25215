"""Every msgid the engine words is marked the way makemessages finds it, and has its Spanish in the catalog.

The engine's strings are marked with `_` / `ngettext_lazy` in declarations and worded with `w.gettext` /
`w.ngettext` (all keywords xgettext looks for under Django's makemessages); this reads the same calls out
of the source, so a string the catalog lacks fails here rather than reaching a Spanish page in English.
"""

import ast
from pathlib import Path

from tests.test_translations import entries

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted((ROOT / "trials" / "eligibility").rglob("*.py")) + [ROOT / "consent" / "pdf.py"]
SINGULAR = {"_", "gettext", "gettext_noop", "gettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy"}


def marked_msgids():
    """(msgid, msgid_plural or None, where) for every marked string literal in the engine's sources."""
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            strings = [a.value for a in node.args[:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in SINGULAR and strings:
                yield strings[0], None, where
            elif name in PLURAL and len(strings) == 2:
                yield strings[0], strings[1], where


def test_the_engine_marks_its_words_in_declarations_and_where_it_words_them():
    found = {(msgid, plural) for msgid, plural, _ in marked_msgids()}
    assert len(found) > 200
    assert ("ECOG not given", None) in found  # a declaration's `_`
    assert ("%(items)s or %(last)s", None) in found  # `w.gettext` in words.py
    assert ("Another cancer %(n)s year ago", "Another cancer %(n)s years ago") in found  # `ngettext_lazy`


def test_every_engine_msgid_has_its_spanish_in_the_catalog():
    catalog = {msgid: (msgstr, plural) for msgid, msgstr, _, plural in entries()}
    missing = [f"{where}: {msgid!r}" for msgid, _, where in marked_msgids() if not catalog.get(msgid, ("",))[0]]
    wrong_plural = [f"{where}: {msgid!r}" for msgid, plural, where in marked_msgids()
                    if msgid in catalog and catalog[msgid][1] != plural]
    assert not missing, "add to locale/es/LC_MESSAGES/django.po:\n" + "\n".join(missing)
    assert not wrong_plural, "singular/plural entry mismatch:\n" + "\n".join(wrong_plural)
