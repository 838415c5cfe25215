"""Follow-up question keys ("ecog", "biomarkers.KRAS", "prior_therapies") as the words people read.

The engine stores keys; every page, export and email shows them through `question_label`, in the active
language, with the question's own words from its leaf declaration.
"""

from django.utils import translation

from intake.forms import FollowUpForm
from trials.eligibility import question
from trials.vocabulary import load_vocabulary


def _language():
    return "es" if (translation.get_language() or "en").startswith("es") else "en"


def question_label(key):
    """"biomarkers.KRAS" -> "KRAS: What did the test for this marker show?", in the active language."""
    fact, _, item = key.replace(":", ".").partition(".")
    declared = question(key)
    if declared is not None:
        label = declared.to_dict(translation)["label"]
    else:  # a key no leaf declares any more (an older engine's): still words, never the raw key
        label = fact.replace("_", " ").capitalize()
    if item:
        vocabulary = load_vocabulary()
        item_label = vocabulary.short_label(item, _language()) if vocabulary.is_known_id(item) else \
            vocabulary.label(item, _language())
        label = f"{item_label}: {label}"
    return label


def askable_questions(match):
    """The match's open questions the patient can answer on their status page, in the match's order.

    Asked as the status page asks them (its follow-up form), so a coordinator never requests a question
    the patient has no field for.
    """
    patient = match.patient
    form = FollowUpForm(questions=match.questions, answers=patient.answers, sex=patient.sex, minor=patient.is_minor)
    return list(form.asked)
