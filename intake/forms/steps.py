"""The intake wizard's steps. Forms validate and render; intake.services does the writing."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..geo import is_well_formed_zip, locate_zip
from ..models import Patient, age_on
from ..questionnaires import GAD7_ITEMS, PHQ9_ITEMS
from .choices import (
    ADULT_AGE_YEARS,
    ANTIDEPRESSANT_TRIALS,
    COMMON_GENES,
    LINES,
    MAX_AGE_YEARS,
    PAIN_MONTHS,
    STAGES,
    THERAPIES,
    TRAVEL_CHOICES,
    UNKNOWN,
    YES_NO_UNKNOWN,
    biomarker_field,
    biomarker_field_name,
    condition_choices,
    condition_suggestions,
    current_language,
    drug_names,
    ecog_field,
    find_condition,
    int_or_unknown,
    kind_of,
    miles_to_km,
    questionnaire_item,
    radio,
    resolve_drugs,
    to_choice,
    to_yes_no_unknown,
    yes_no_unknown,
)
from .fields import BirthDateField


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


class AboutForm(WordedForm):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send your private status link here. Emails never contain health details."))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    birth_date = BirthDateField(
        label=_("Date of birth"),
        help_text=_("For example 23 April 1975. If you are filling this in for a child, give the child's birthday."),
    )
    sex = radio(_("Sex assigned at birth"), list(Patient.Sex.choices),
                help_text=_("Many trials ask for this because medicines can act differently."))
    postal_code = forms.CharField(
        label=_("ZIP code"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        help_text=_("Five digits. We use it only to find trial sites near you."),
    )
    travel_radius = forms.ChoiceField(label=_("How far could you travel to a trial site?"), choices=TRAVEL_CHOICES,
                                      required=False)

    MINOR_LABELS = {
        "full_name": _("The child's full name"),
        "email": _("Your email (parent or guardian)"),
        "phone": _("Your phone (parent or guardian, optional)"),
        "birth_date": _("The child's date of birth"),
        "sex": _("The child's sex assigned at birth"),
        "travel_radius": _("How far could you and the child travel to a trial site?"),
    }

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



class ConditionForm(WordedForm):
    condition_text = forms.CharField(
        label=_("Type your condition"), required=False, max_length=120,
        widget=forms.TextInput(attrs={"list": "condition-suggestions", "autocomplete": "off"}),
        help_text=_("Any name you know works, in English or Spanish: for example “NSCLC”, “cáncer de mama”, "
                    "“depression”."),
    )
    condition_code = forms.ChoiceField(
        label=_("Or choose it from the list"), choices=(), required=False,
        error_messages={"invalid_choice": _("Choose a condition from the list.")},
    )

    MINOR_LABELS = {"condition_text": _("Type the child's condition")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.fields["condition_code"].choices = condition_choices(language)
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




class OncologyForm(WordedForm):
    stage = radio(_("What stage is the cancer?"), STAGES)
    metastatic = radio(_("Has it spread to other parts of the body (metastatic)?"), YES_NO_UNKNOWN)
    ecog = ecog_field()
    prior_therapies = forms.MultipleChoiceField(
        label=_("Kinds of treatment you have had for this cancer"), choices=THERAPIES,
        widget=forms.CheckboxSelectMultiple, required=False,
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
