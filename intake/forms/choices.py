"""The intake's answer choices, the conversions between answers and form values, and the field builders.

Every question accepts "I don't know", which becomes None (unknown to the engine), never False.
"""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trials.vocabulary import load_vocabulary

from ..questionnaires import FREQUENCY_CHOICES

UNKNOWN = "unknown"
DONT_KNOW = (UNKNOWN, _("I don't know"))
YES_NO_UNKNOWN = [("yes", _("Yes")), ("no", _("No")), DONT_KNOW]
MAX_AGE_YEARS = 120
ADULT_AGE_YEARS = 18

TRAVEL_CHOICES = [
    ("", _("No limit I can think of")),
    ("25", _("Up to 25 miles (40 km)")),
    ("50", _("Up to 50 miles (80 km)")),
    ("100", _("Up to 100 miles (160 km)")),
    ("250", _("Up to 250 miles (400 km)")),
]
STAGES = [("I", _("Stage 1")), ("II", _("Stage 2")), ("III", _("Stage 3")), ("IV", _("Stage 4")), DONT_KNOW]
# ECOG performance status in the words a patient would use about their own day.
ECOG = [
    ("0", _("I can do everything I did before my illness")),
    ("1", _("I can't do heavy work, but I can do light work like housework or office work")),
    ("2", _("I can look after myself but can't work; I'm up and about more than half the day")),
    ("3", _("I can only partly look after myself; I'm in bed or a chair more than half the day")),
    ("4", _("I can't look after myself at all and stay in bed or a chair")),
    DONT_KNOW,
]
ECOG_MINOR = [
    ("0", _("My child can do everything they did before the illness")),
    ("1", _("My child can't do hard physical activity, but can do light activity like school work")),
    ("2", _("My child can look after themself but not go to school; up and about more than half the day")),
    ("3", _("My child can only partly look after themself; in bed or a chair more than half the day")),
    ("4", _("My child can't look after themself at all and stays in bed or a chair")),
    DONT_KNOW,
]
LINES = [("0", _("None yet")), ("1", "1"), ("2", "2"), ("3", _("3 or more")), DONT_KNOW]
THERAPIES = [
    ("therapy:surgery", _("Surgery")),
    ("therapy:radiation", _("Radiation")),
    ("therapy:chemotherapy", _("Chemotherapy")),
    ("therapy:immunotherapy", _("Immunotherapy")),
    ("therapy:targeted", _("Targeted therapy (pills aimed at a gene change)")),
    ("therapy:hormone", _("Hormone therapy")),
]
# The markers patients are most often told about; the vocabulary knows more, coordinators check the rest.
COMMON_GENES = ["EGFR", "ALK", "ROS1", "KRAS", "BRAF", "HER2", "ER", "PR", "PD-L1", "BRCA1", "BRCA2", "MSI-H"]
BIOMARKER_CHOICES = [(UNKNOWN, _("Not tested, or I don't know")), ("positive", _("Positive (found)")),
                     ("negative", _("Negative (not found)"))]
ANTIDEPRESSANT_TRIALS = [("0", _("None")), ("1", "1"), ("2", "2"), ("3", "3"), ("4", _("4 or more")), DONT_KNOW]
PAIN_MONTHS = [("2", _("Less than 3 months")), ("6", _("3 to 12 months")), ("12", _("More than a year")), DONT_KNOW]
# The questionnaires' 0–3 scale, plus a way not to answer: a skipped item leaves the total unknown.
QUESTIONNAIRE_CHOICES = [*FREQUENCY_CHOICES, (UNKNOWN, _("I'd rather not say"))]


def current_language():
    return "es" if (get_language() or "en").startswith("es") else "en"


def yes_no_unknown(value):
    return {"yes": True, "no": False}.get(value)


def to_yes_no_unknown(value):
    return {True: "yes", False: "no"}.get(value, UNKNOWN)


def int_or_unknown(value):
    return None if value in ("", None, UNKNOWN) else int(value)


def to_choice(value):
    return UNKNOWN if value is None else str(value)


def radio(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


def questionnaire_item(label):
    return forms.TypedChoiceField(label=label, choices=QUESTIONNAIRE_CHOICES, coerce=int_or_unknown,
                                  empty_value=None, widget=forms.RadioSelect)


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


def describe_drugs(drug_ids, language=None):
    """[(name, class in short words)] to show back what we understood: duloxetine → SNRI."""
    vocabulary = load_vocabulary()
    language = language or current_language()
    return [(vocabulary.label(drug_id, language), vocabulary.short_class_label(drug_id, language))
            for drug_id in drug_ids if vocabulary.drug(drug_id)]


def drug_names(drug_ids, language=None):
    vocabulary = load_vocabulary()
    return ", ".join(vocabulary.label(drug_id, language or current_language()) for drug_id in drug_ids or []
                     if drug_id.startswith("drug:"))


def miles_to_km(miles):
    return round(int(miles) * 1.609344) if miles else None


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


def ecog_field(minor=False):
    if minor:
        return radio(_("Which sentence describes the child's daily activity best?"), ECOG_MINOR,
                     help_text=_("Doctors call this the performance status (ECOG)."))
    return radio(_("Which sentence describes your daily activity best?"), ECOG,
                 help_text=_("Doctors call this the performance status (ECOG)."))


def _biomarker_label(gene):
    marker = load_vocabulary().biomarker(gene)
    return marker.labels.get(current_language(), marker.labels["en"]) if marker else gene


def biomarker_field(gene):
    """A marker's question; its label follows the language of the request that shows it."""
    return forms.ChoiceField(label=lazy(_biomarker_label, str)(gene), choices=BIOMARKER_CHOICES,
                             required=False, initial=UNKNOWN)


def biomarker_field_name(gene):
    return "biomarker_" + gene.replace("-", "_")

