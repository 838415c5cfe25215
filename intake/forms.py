"""The intake's steps and the status page's follow-up questions.

Forms validate and render; intake.services does the writing. Every question accepts "I don't know",
which becomes None (unknown to the engine), never False.
"""

import copy

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from trials.vocabulary import load_vocabulary

from .geo import is_well_formed_zip, locate_zip
from .models import Patient, age_on
from .questionnaires import FREQUENCY_CHOICES, GAD7_ITEMS, PHQ9_ITEMS

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


def fixed(choices):
    """A list of choices handed to a field as a callable.

    Django deep-copies every field of a form each time the form is built, and a list of choices is copied
    (lazy labels and all) and normalised again for the field and its widget; a callable is shared. The
    intake wizard builds four to six forms per request, so this was a quarter of its CPU (docs/perf-load.md).
    """
    return lambda: choices


class SharedChoices:
    """A choice field whose copies share its choices: ChoiceField deep-copies them with every form built,
    though nothing here ever changes a list of choices in place (a new list is assigned, if anything)."""

    def __deepcopy__(self, memo):
        # Field.__deepcopy__ and ChoiceWidget.__deepcopy__, minus their copies of the choices.
        result, widget = copy.copy(self), copy.copy(self.widget)
        widget.attrs = self.widget.attrs.copy()
        memo[id(self)], memo[id(self.widget)] = result, widget
        result.widget = widget
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class ChoiceField(SharedChoices, forms.ChoiceField):
    pass


class TypedChoiceField(SharedChoices, forms.TypedChoiceField):
    pass


class MultipleChoiceField(SharedChoices, forms.MultipleChoiceField):
    pass


def radio(label, choices, **kwargs):
    return ChoiceField(label=label, choices=fixed(choices), widget=forms.RadioSelect, **kwargs)


def questionnaire_item(label):
    return TypedChoiceField(label=label, choices=fixed(QUESTIONNAIRE_CHOICES), coerce=int_or_unknown,
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


class WordedForm(forms.Form):
    """A form whose labels change when a parent or guardian answers for a child under 18."""

    MINOR_LABELS = {}

    def __init__(self, *args, minor=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.minor = minor
        if minor:
            for name, label in self.MINOR_LABELS.items():
                if name in self.fields:
                    self.fields[name].label = label


class BirthDateInput(forms.DateInput):
    """A native date picker on phones; typing the date works where there is none."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AboutForm(WordedForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send your private status link here. Emails never contain health details."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=BirthDateInput(attrs={"autocomplete": "bday"}),
        input_formats=["%Y-%m-%d", "%m/%d/%Y"],
        help_text=_("Pick the date or type it, for example 1975-04-23. If you are filling this in for a child, "
                    "give the child's birthday."),
        error_messages={"invalid": _("Enter a real date, for example 1975-04-23.")},
    )
    sex = radio(_("Sex assigned at birth"), list(Patient.Sex.choices),
                help_text=_("Many trials ask for this because medicines can act differently."))
    postal_code = forms.CharField(
        label=_("ZIP code"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        help_text=_("Five digits. We use it only to find trial sites near you."),
    )
    travel_radius = ChoiceField(label=_("How far could you travel to a trial site?"),
                                      choices=fixed(TRAVEL_CHOICES), required=False)

    MINOR_LABELS = {
        "full_name": _("The child's full name"),
        "email": _("Your email (parent or guardian)"),
        "phone": _("Your phone (parent or guardian, optional)"),
        "birth_date": _("The child's date of birth"),
        "sex": _("The child's sex assigned at birth"),
        "travel_radius": _("How far could you and the child travel to a trial site?"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if current_language() == "es":
            # Spanish speakers write the day first: 03/04/1975 is the 3rd of April.
            self.fields["birth_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if age_on(birth_date, today) > MAX_AGE_YEARS:
            raise forms.ValidationError(_("Please check the year: that would be more than 120 years ago."))
        return birth_date

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if not is_well_formed_zip(code):
            raise forms.ValidationError(_("Enter a 5-digit US ZIP code, for example 77030."))
        if locate_zip(code) is None:
            raise forms.ValidationError(_("We could not find ZIP code %(code)s. Please check it.") % {"code": code})
        return code[:5]

    def is_minor(self):
        birth_date = self.cleaned_data.get("birth_date")
        return birth_date is not None and age_on(birth_date, timezone.localdate()) < ADULT_AGE_YEARS

    def travel_radius_km(self):
        return miles_to_km(self.cleaned_data.get("travel_radius"))


def miles_to_km(miles):
    return round(int(miles) * 1.609344) if miles else None


def _per_language(build):
    """Cache what `build(vocabulary, language)` makes of the (unchanging) vocabulary, per language."""
    made = {}

    def cached(language=None):
        vocabulary, language = load_vocabulary(), language or current_language()
        key = (id(vocabulary), language)
        if key not in made or made[key][0] is not vocabulary:
            made[key] = (vocabulary, build(vocabulary, language))
        return made[key][1]

    cached.__doc__ = build.__doc__
    return cached


@_per_language
def condition_choices(vocabulary, language):
    """Selectable conditions grouped as the patient thinks of them: cancer, mental health, pain."""
    groups = [("oncology", _("Cancer")), ("mental_health", _("Mental health")), ("pain", _("Pain"))]
    choices = [("", _("Choose one"))]
    for kind, label in groups:
        options = [(c.code, vocabulary.label(c.code, language)) for c in vocabulary.selectable_conditions(kind=kind)]
        choices.append((label, sorted(options, key=lambda option: option[1])))
    return choices


@_per_language
def condition_suggestions(vocabulary, language):
    """Every label and synonym in the patient's language, offered as they type (a native <datalist>)."""
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


def selectable_condition_codes():
    """Every code the condition list offers, as a set (cached per vocabulary, like the lists)."""
    return _selectable_codes("en")


@_per_language
def _selectable_codes(vocabulary, language):
    return frozenset(condition.code for kind in ("oncology", "mental_health", "pain")
                     for condition in vocabulary.selectable_conditions(kind=kind))


class ConditionCodeField(ChoiceField):
    """The condition list: a posted code is checked against a set, not by walking the grouped list."""

    def valid_value(self, value):
        return value in selectable_condition_codes()


class ConditionForm(WordedForm):
    condition_text = forms.CharField(
        label=_("Type your condition"), required=False, max_length=120,
        widget=forms.TextInput(attrs={"list": "condition-suggestions", "autocomplete": "off"}),
        help_text=_("Any name you know works, in English or Spanish: for example “NSCLC”, “cáncer de mama”, "
                    "“depression”."),
    )
    condition_code = ConditionCodeField(
        label=_("Or choose it from the list"), choices=(), required=False,
        error_messages={"invalid_choice": _("Choose a condition from the list.")},
    )

    MINOR_LABELS = {"condition_text": _("Type the child's condition")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.fields["condition_code"].choices = lambda: condition_choices(language)
        self.suggestions = condition_suggestions(language)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if not cleaned.get("condition_code"):
            text = (cleaned.get("condition_text") or "").strip()
            if not text:
                raise forms.ValidationError(_("Type your condition or choose it from the list."))
            code = find_condition(text)
            if code is None:
                self.add_error("condition_text", _("We did not recognise “%(text)s”. Try another name or "
                                                   "choose from the list.") % {"text": text})
            cleaned["condition_code"] = code
        return cleaned

    def kind(self):
        return kind_of(self.cleaned_data.get("condition_code") or "")


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
    return ChoiceField(label=lazy(_biomarker_label, str)(gene), choices=fixed(BIOMARKER_CHOICES),
                             required=False, initial=UNKNOWN)


def biomarker_field_name(gene):
    return "biomarker_" + gene.replace("-", "_")


class OncologyForm(WordedForm):
    stage = radio(_("What stage is the cancer?"), STAGES)
    metastatic = radio(_("Has it spread to other parts of the body (metastatic)?"), YES_NO_UNKNOWN)
    ecog = ecog_field()
    prior_therapies = MultipleChoiceField(label=_("Kinds of treatment you have had for this cancer"),
                                                choices=fixed(THERAPIES), widget=forms.CheckboxSelectMultiple,
                                                required=False,
                                                help_text=_("Leave all unticked if none yet or if you are not sure."))
    prior_drugs = forms.CharField(
        label=_("Cancer medicines you have had, by name (optional)"), required=False, max_length=500,
        help_text=_("Separate names with commas, for example: carboplatin, osimertinib."))
    prior_lines = radio(_("How many different treatment plans (lines) have you had?"), LINES)
    pregnant = radio(_("Are you pregnant or breastfeeding?"), YES_NO_UNKNOWN, required=False)

    MINOR_LABELS = {
        "prior_therapies": _("Kinds of treatment the child has had for this cancer"),
        "prior_drugs": _("Cancer medicines the child has had, by name (optional)"),
        "prior_lines": _("How many different treatment plans (lines) has the child had?"),
        "pregnant": _("Is the child pregnant or breastfeeding?"),
    }

    genes = COMMON_GENES  # their fields are added to the class below

    def __init__(self, *args, sex=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.minor:
            self.fields["ecog"] = ecog_field(minor=True)
        if sex == Patient.Sex.MALE:
            del self.fields["pregnant"]

    def biomarker_fields(self):
        return [self[biomarker_field_name(gene)] for gene in self.genes]

    def question_fields(self):
        return [field for field in self if not field.name.startswith("biomarker_")]

    def clean_prior_drugs(self):
        self.prior_drug_ids, self.unrecognised_drugs = resolve_drugs(self.cleaned_data["prior_drugs"])
        return self.cleaned_data["prior_drugs"]

    def answers(self):
        data = self.cleaned_data
        stage = None if data["stage"] == UNKNOWN else data["stage"]
        lines = int_or_unknown(data["prior_lines"])
        named = list(data.get("prior_therapies") or []) + self.prior_drug_ids
        biomarkers = {gene: data.get(biomarker_field_name(gene)) for gene in self.genes}
        biomarkers = {gene: status for gene, status in biomarkers.items() if status in ("positive", "negative")}
        return {
            "stage": stage,
            "metastatic": True if stage == "IV" else yes_no_unknown(data["metastatic"]),
            "ecog": int_or_unknown(data["ecog"]),
            # Nothing ticked means "none" only when they told us they have had no treatment yet.
            "prior_therapies": named or ([] if lines == 0 else None),
            "prior_drugs_unrecognised": self.unrecognised_drugs,
            "prior_lines": lines,
            "biomarkers": biomarkers or None,
            "pregnant": yes_no_unknown(data.get("pregnant")),
        }

    @classmethod
    def initial_from(cls, answers):
        prior = answers.get("prior_therapies") or []
        initial = {
            "stage": answers.get("stage") or UNKNOWN,
            "metastatic": to_yes_no_unknown(answers.get("metastatic")),
            "ecog": to_choice(answers.get("ecog")),
            "prior_therapies": [item for item in prior if item.startswith("therapy:")],
            "prior_drugs": drug_names(prior),
            "prior_lines": to_choice(answers.get("prior_lines")),
            "pregnant": to_yes_no_unknown(answers.get("pregnant")),
        }
        for gene, status in (answers.get("biomarkers") or {}).items():
            initial[biomarker_field_name(gene)] = status
        return initial


class MentalHealthForm(WordedForm):
    """PHQ-9, GAD-7, medications and treatment history, for psychiatric and chronic-pain conditions."""

    medications = forms.CharField(
        label=_("Medicines you take now"), required=False, max_length=500,
        help_text=_("Names separated by commas, for example: duloxetine, ibuprofen. Leave empty if none."))
    medications_unsure = forms.BooleanField(label=_("I'm not sure which medicines I take"), required=False)
    antidepressant_trials = radio(_("How many antidepressants have you tried for at least 6 weeks?"),
                                  ANTIDEPRESSANT_TRIALS)
    pain_months = radio(_("How long have you had this pain?"), PAIN_MONTHS)
    pregnant = radio(_("Are you pregnant or breastfeeding?"), YES_NO_UNKNOWN, required=False)

    MINOR_LABELS = {
        "medications": _("Medicines the child takes now"),
        "medications_unsure": _("I'm not sure which medicines the child takes"),
        "antidepressant_trials": _("How many antidepressants has the child tried for at least 6 weeks?"),
        "pain_months": _("How long has the child had this pain?"),
        "pregnant": _("Is the child pregnant or breastfeeding?"),
    }

    def __init__(self, *args, sex=None, kind="mental_health", **kwargs):
        super().__init__(*args, **kwargs)
        if kind != "pain":
            del self.fields["pain_months"]
        if sex == Patient.Sex.MALE:
            del self.fields["pregnant"]

    def phq9_fields(self):
        return [self[f"phq9_{n}"] for n in range(1, 10)]

    def gad7_fields(self):
        return [self[f"gad7_{n}"] for n in range(1, 8)]

    def other_fields(self):
        return [field for field in self if not field.name.startswith(("phq9_", "gad7_"))]

    def clean_medications(self):
        self.medication_ids, self.unrecognised_medications = resolve_drugs(self.cleaned_data["medications"])
        return self.cleaned_data["medications"]

    def answers(self):
        data = self.cleaned_data
        unsure = data.get("medications_unsure") and not self.medication_ids
        answers = {
            "phq9_items": [data[f"phq9_{n}"] for n in range(1, 10)],
            "gad7_items": [data[f"gad7_{n}"] for n in range(1, 8)],
            "medications": None if unsure else self.medication_ids,
            "medications_unrecognised": self.unrecognised_medications,
            "antidepressant_trials": int_or_unknown(data["antidepressant_trials"]),
            "pregnant": yes_no_unknown(data.get("pregnant")),
        }
        if "pain_months" in self.fields:
            answers["pain_months"] = int_or_unknown(data.get("pain_months"))
        return answers

    @classmethod
    def initial_from(cls, answers):
        initial = {
            "medications": drug_names(answers.get("medications")),
            "medications_unsure": answers.get("medications") is None and "medications" in answers,
            "antidepressant_trials": to_choice(answers.get("antidepressant_trials")),
            "pain_months": to_choice(answers.get("pain_months")),
            "pregnant": to_yes_no_unknown(answers.get("pregnant")),
        }
        for prefix, count in (("phq9", 9), ("gad7", 7)):
            items = answers.get(f"{prefix}_items") or [None] * count
            for number, value in enumerate(items, start=1):
                initial[f"{prefix}_{number}"] = to_choice(value)
        return initial


# Fields built once, on the class, rather than on every form: the questionnaires' items and the common markers,
# after the declared fields (the order the pages and `other_fields` / `question_fields` rely on).
OncologyForm.base_fields.update((biomarker_field_name(gene), biomarker_field(gene)) for gene in COMMON_GENES)
MentalHealthForm.base_fields.update(
    [(f"phq9_{number}", questionnaire_item(text)) for number, text in enumerate(PHQ9_ITEMS, start=1)]
    + [(f"gad7_{number}", questionnaire_item(text)) for number, text in enumerate(GAD7_ITEMS, start=1)]
)


def safety_item_answered_above_not_at_all(mental_health_data):
    return bool(mental_health_data) and (mental_health_data.get("phq9_9") or 0) > 0


class SafetyForm(forms.Form):
    """The crisis page has nothing to fill in: reading it and pressing Continue is the step."""


class MedicinesCheckForm(forms.Form):
    """Shows back the medicines we understood; going back fixes them, Continue confirms."""


class EditLocationForm(forms.Form):
    postal_code = AboutForm.base_fields["postal_code"]
    travel_radius = AboutForm.base_fields["travel_radius"]

    clean_postal_code = AboutForm.clean_postal_code


class FollowUpForm(WordedForm):
    """The few questions whose answers would settle a patient's unknowns, asked on the status page.

    `questions` are the engine's fact names ("ecog", "phq9", "biomarkers.EGFR", …); facts a patient
    cannot answer here (age, sex, condition) are skipped.
    """

    def __init__(self, *args, questions, answers, sex=None, **kwargs):
        self.known_answers = answers or {}
        self.asked = []
        self.gene_fields = {}
        super().__init__(*args, **kwargs)
        for question in questions:
            if self._add(question, sex):
                self.asked.append(question)

    def _add(self, question, sex):
        fields = self.fields
        if question.startswith(("biomarkers.", "biomarkers:", "biomarker.", "biomarker:")):
            gene = load_vocabulary().gene_key(question.replace(":", ".").split(".", 1)[1])
            fields[biomarker_field_name(gene)] = biomarker_field(gene)
            self.gene_fields[biomarker_field_name(gene)] = gene
        elif question == "ecog":
            fields["ecog"] = ecog_field(self.minor)
        elif question == "stage":
            fields["stage"] = radio(_("What stage is the cancer?"), STAGES)
        elif question == "metastatic":
            fields["metastatic"] = radio(_("Has it spread to other parts of the body (metastatic)?"),
                                         YES_NO_UNKNOWN)
        elif question == "prior_lines":
            fields["prior_lines"] = radio(_("How many different treatment plans (lines) have you had?"), LINES)
        elif question == "prior_therapies":
            fields["prior_therapies"] = OncologyForm.base_fields["prior_therapies"]
            fields["prior_drugs"] = OncologyForm.base_fields["prior_drugs"]
        elif question == "medications":
            fields["medications"] = MentalHealthForm.base_fields["medications"]
            fields["medications_unsure"] = MentalHealthForm.base_fields["medications_unsure"]
        elif question == "antidepressant_trials":
            fields["antidepressant_trials"] = MentalHealthForm.base_fields["antidepressant_trials"]
        elif question == "pregnant" and sex != Patient.Sex.MALE:
            fields["pregnant"] = MentalHealthForm.base_fields["pregnant"]
        elif question == "phq9":
            for number, text in enumerate(PHQ9_ITEMS, start=1):
                fields[f"phq9_{number}"] = questionnaire_item(text)
        elif question == "suicidal_ideation" and "phq9_9" not in fields:
            fields["phq9_9"] = questionnaire_item(PHQ9_ITEMS[8])
        elif question == "gad7":
            for number, text in enumerate(GAD7_ITEMS, start=1):
                fields[f"gad7_{number}"] = questionnaire_item(text)
        elif question in ("location", "travel_radius_km"):
            fields["postal_code"] = AboutForm.base_fields["postal_code"]
            fields["travel_radius"] = AboutForm.base_fields["travel_radius"]
        else:
            return False
        return True

    clean_postal_code = AboutForm.clean_postal_code

    def clean_prior_drugs(self):
        self.prior_drug_ids, self.unrecognised_drugs = resolve_drugs(self.cleaned_data["prior_drugs"])
        return self.cleaned_data["prior_drugs"]

    def clean_medications(self):
        self.medication_ids, self.unrecognised_medications = resolve_drugs(self.cleaned_data["medications"])
        return self.cleaned_data["medications"]

    def answers(self):
        """The new answers, merged with what the patient said before where a fact has several parts."""
        data, known, answers = self.cleaned_data, self.known_answers, {}
        for name in ("ecog", "prior_lines", "antidepressant_trials"):
            if name in data:
                answers[name] = int_or_unknown(data[name])
        if "stage" in data:
            answers["stage"] = None if data["stage"] == UNKNOWN else data["stage"]
        for name in ("metastatic", "pregnant"):
            if name in data:
                answers[name] = yes_no_unknown(data[name])
        if "prior_therapies" in data:
            named = list(data["prior_therapies"]) + self.prior_drug_ids
            answers["prior_therapies"] = named or None
        if "medications" in data:
            unsure = data.get("medications_unsure") and not self.medication_ids
            answers["medications"] = None if unsure else self.medication_ids
        if self.gene_fields:
            biomarkers = dict(known.get("biomarkers") or {})
            for name, gene in self.gene_fields.items():
                status = data.get(name)
                if status in ("positive", "negative"):
                    biomarkers[gene] = status
                else:
                    biomarkers.pop(gene, None)
            answers["biomarkers"] = biomarkers or None
        for prefix, count in (("phq9", 9), ("gad7", 7)):
            if any(f"{prefix}_{n}" in data for n in range(1, count + 1)):
                items = list(known.get(f"{prefix}_items") or [None] * count)
                for number in range(1, count + 1):
                    if f"{prefix}_{number}" in data:
                        items[number - 1] = data[f"{prefix}_{number}"]
                answers[f"{prefix}_items"] = items
        return answers

    def travel_changes(self):
        if "postal_code" not in self.cleaned_data:
            return {}
        return {"postal_code": self.cleaned_data["postal_code"],
                "travel_radius_km": miles_to_km(self.cleaned_data.get("travel_radius"))}
