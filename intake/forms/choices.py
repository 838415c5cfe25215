"""The intake's answer choices, the conversions between answers and form values, and the field builders.

Every question accepts "I don't know", which becomes None (unknown to the engine), never False.
"""

from django import forms
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trials.vocabulary import load_vocabulary

from ..questionnaires import FREQUENCY_CHOICES

UNKNOWN = "unknown"
DONT_KNOW = (UNKNOWN, _("I don't know"))
YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), DONT_KNOW]
MAX_AGE_YEARS = 120
ADULT_AGE_YEARS = 18

# Miles first: the patients are in the United States. "any" is a choice a patient makes, never a default.
TRAVEL_CHOICES = [
    ("25", _("Up to 25 miles (40 km)")),
    ("50", _("Up to 50 miles (80 km)")),
    ("100", _("Up to 100 miles (160 km)")),
    ("250", _("Up to 250 miles (400 km)")),
    ("any", _("Any distance")),
]
# ECOG performance status in the words a parent would use about their child's day (the engine declares the
# adult wording, trials.eligibility.leaves.cancer).
ECOG_MINOR = [
    ("0", _("My child can do everything they did before the illness")),
    ("1", _("My child can't do hard physical activity, but can do light activity like school work")),
    ("2", _("My child can look after themself but not go to school; up and about more than half the day")),
    ("3", _("My child can only partly look after themself; in bed or a chair more than half the day")),
    ("4", _("My child can't look after themself at all and stays in bed or a chair")),
    DONT_KNOW,
]
# The questionnaires' 0–3 scale, plus a way not to answer: a skipped item leaves the total unknown.
QUESTIONNAIRE_CHOICES = [*FREQUENCY_CHOICES, (UNKNOWN, _("I'd rather not say"))]


def current_language():
    return "es" if (get_language() or "en").startswith("es") else "en"


def radio(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


def split_names(text):
    return [name.strip() for name in (text or "").replace(";", ",").replace("\n", ",").split(",") if name.strip()]


def resolve_drugs(text):
    """(drug ids recognised, names not recognised) from a comma-separated list the patient typed."""
    vocabulary = load_vocabulary()
    found, unknown = [], []
    for name in split_names(text):
        drug_id = vocabulary.find_drug(name)
        if drug_id is None:
            unknown.append(name)
        elif drug_id not in found:
            found.append(drug_id)
    return found, unknown


# What a medicine is, in the words a patient uses, by what it counts as (first match wins); its class's technical
# name follows in brackets: "carboplatin: a type of chemotherapy (platinum)".
PLAIN_KINDS = [
    ("therapy:chemotherapy", _("a type of chemotherapy")),
    ("therapy:immunotherapy", _("an immunotherapy")),
    ("therapy:targeted", _("a targeted therapy")),
    ("therapy:hormone", _("a hormone therapy")),
    ("class:ANTIDEPRESSANT", _("an antidepressant")),
    ("class:ANTIPSYCHOTIC", _("a medicine for psychosis")),
    ("class:BENZODIAZEPINE", _("a calming medicine")),
    ("class:MOOD_STABILIZER", _("a mood stabilizer")),
    ("class:STIMULANT", _("a stimulant")),
    ("class:OPIOID", _("a strong painkiller")),
    ("class:GABAPENTINOID", _("a medicine for nerve pain")),
    ("class:ANALGESIC", _("a painkiller")),
]


def drug_in_words(drug_id, language=None):
    """"a type of chemotherapy (platinum)": the plain kind first, the technical class second."""
    vocabulary = load_vocabulary()
    language = language or current_language()
    tags = vocabulary.therapy_tags([drug_id])
    with translation.override(language):
        plain = next((str(words) for tag, words in PLAIN_KINDS if tag in tags), "")
    technical = vocabulary.short_class_label(drug_id, language) or ""
    if not plain:
        return technical or None
    if not technical or technical.casefold() in plain.casefold():
        return plain
    return f"{plain} ({technical})"


def describe_drugs(drug_ids, language=None):
    """[(name, what it is in plain words)] to show back what we understood: duloxetine, an antidepressant (SNRI)."""
    vocabulary = load_vocabulary()
    language = language or current_language()
    return [(vocabulary.label(drug_id, language), drug_in_words(drug_id, language))
            for drug_id in drug_ids if vocabulary.drug(drug_id)]


def drug_names(drug_ids, language=None):
    vocabulary = load_vocabulary()
    return ", ".join(vocabulary.label(drug_id, language or current_language()) for drug_id in drug_ids or []
                     if drug_id.startswith("drug:"))


def miles_to_km(miles):
    """The travel answer in km; None for "any distance"."""
    return round(int(miles) * 1.609344) if miles and miles != "any" else None


def km_to_travel_choice(km):
    """The travel answer a stored radius came from ("any" for no limit)."""
    return next((miles for miles, _label in TRAVEL_CHOICES if miles_to_km(miles) == km), "any")


def condition_choices(language=None):
    """Selectable conditions grouped as the patient thinks of them: cancer, mental health, pain."""
    vocabulary, language = load_vocabulary(), language or current_language()
    groups = [("oncology", _("Cancer")), ("mental_health", _("Mental health")), ("pain", _("Pain"))]
    choices = [("", _("Choose one"))]
    for kind, label in groups:
        options = [(c.code, vocabulary.label(c.code, language)) for c in vocabulary.selectable_conditions(kind=kind)]
        choices.append((label, sorted(options, key=lambda option: option[1])))
    return choices


def condition_suggestions(language=None):
    """Every label and synonym in the patient's language, offered as they type (a native <datalist>)."""
    vocabulary, language = load_vocabulary(), language or current_language()
    names = set()
    for condition in vocabulary.conditions.values():
        if condition.selectable:
            names.add(condition.labels[language])
            names.update(condition.synonyms[language])
    return sorted(names, key=str.casefold)


def find_condition(text, language=None):
    """The selectable condition the typed words mean, searching labels and synonyms in both languages."""
    vocabulary = load_vocabulary()
    for code in vocabulary.search(text, language or current_language(), limit=50):
        # A match on an umbrella term ("cancer") is too vague to pick a trial list from.
        condition = vocabulary.condition(code)
        if condition and condition.selectable:
            return code
    return None


def kind_of(code):
    if code.startswith("onc:"):
        return "oncology"
    if code.startswith("pain:"):
        return "pain"
    return "mental_health"
