"""Wording reasons through the project's real catalog: Django's translation module is the translator."""

from django.utils import translation

LANGUAGES = ("en", "es")


def in_both(word):
    """({"en": coordinator, "es": …}, {"en": patient, "es": …}) from `word(translator) -> (coordinator, patient)`."""
    worded = {}
    for language in LANGUAGES:
        with translation.override(language):
            worded[language] = word(translation)
    return ({language: worded[language][0] for language in LANGUAGES},
            {language: worded[language][1] for language in LANGUAGES})


def sentences_of(reason):
    return in_both(reason.sentences)
