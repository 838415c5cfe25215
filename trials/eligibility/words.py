"""How the engine words things without knowing Django: a translator is passed in, msgids are marked here.

Sentences are worded only when a page shows them, in that page's language. The caller passes any object
with `gettext(msgid)`, `ngettext(singular, plural, n)` and `get_language()`: the Django side passes the
module `django.utils.translation` itself (the language activated for the request), so the engine's
msgids come from the project's `.po` catalogs and a new language is a new catalog. Without a
translator the engine speaks English (`ENGLISH`).

The msgids are English with named placeholders ("%(value)s"). Strings kept in declarations are marked
with `_` (returns its argument untranslated) or, for a plural pair, `ngettext_lazy` (like Django's: worded
later, when the number is known); strings worded on the spot are written as `w.gettext("…")` /
`w.ngettext("…", "…", n)`. All four are keywords `makemessages` (xgettext) looks for, so the catalog can
always be regenerated from the code.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol

from trials.vocabulary import load_vocabulary


class Translator(Protocol):
    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, number: int) -> str: ...

    def get_language(self) -> str | None: ...


def _(message: str) -> str:
    """Mark `message` as a msgid for the catalog; it is translated later, by whoever words it."""
    return message


class Plural(NamedTuple):
    singular: str
    plural: str


def ngettext_lazy(singular: str, plural: str) -> Plural:
    """Mark a plural pair of msgids; `Words.plural(pair, n)` picks and translates the form for n."""
    return Plural(singular, plural)


class English:
    """The msgids as they are: the engine's own language, used when no translator is given."""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        return singular if number == 1 else plural

    def get_language(self) -> str:
        return "en"


ENGLISH = English()


def number(value) -> str:
    """18 rather than 18.0; 0.5 stays 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Words:
    """One wording in one language: translated msgids filled with values, vocabulary labels, lists."""

    __slots__ = ("translator", "language")

    def __init__(self, translator: Translator | None = None):
        self.translator = translator or ENGLISH
        self.language = (self.translator.get_language() or "en").split("-")[0].lower()

    def gettext(self, message: str, **values) -> str:
        text = self.translator.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, **values) -> str:
        """The form for `n`, filled with values; "%(n)s" is `n` itself."""
        return self.translator.ngettext(singular, plural, int(n)) % {"n": number(n), **values}

    def plural(self, pair: Plural, n: int, **values) -> str:
        return self.ngettext(pair.singular, pair.plural, n, **values)

    def label(self, code: str) -> str:
        """A condition's, drug's, class's, therapy's or gene's name in this language (the vocabulary's data)."""
        return load_vocabulary().label(code, self.language)

    def short_label(self, code: str) -> str:
        return load_vocabulary().short_label(code, self.language)

    def join(self, items: list[str]) -> str:
        """"a, b or c"; the word "or" comes from the catalog."""
        if len(items) <= 1:
            return "".join(items)
        return self.gettext("%(items)s or %(last)s", items=", ".join(items[:-1]), last=items[-1])

    def labels(self, codes) -> str:
        return self.join([self.label(code) for code in codes])

