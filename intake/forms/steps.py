"""The intake wizard's steps. Forms validate and render; intake.services does the writing.

The questions about the condition are not here: they are built from the trials' own rules
(intake.plan, intake.forms.questions).
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..geo import is_well_formed_zip, locate_zip
from ..models import Patient, age_on
from .choices import (
    ADULT_AGE_YEARS,
    MAX_AGE_YEARS,
    TRAVEL_CHOICES,
    condition_choices,
    condition_suggestions,
    current_language,
    find_condition,
    kind_of,
    miles_to_km,
    radio,
)
from .fields import BirthDateField, PhoneField


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

    @classmethod
    def input_count(cls):
        """Answers a person gives on this form (the intake's length is counted in these)."""
        return len(cls.base_fields)


def clean_postal_code(form):
    code = form.cleaned_data["postal_code"].strip()
    if not is_well_formed_zip(code):
        raise forms.ValidationError(_("Enter a 5-digit US ZIP code, for example 77030."))
    if locate_zip(code) is None:
        raise forms.ValidationError(_("We could not find ZIP code %(code)s. Please check it.") % {"code": code})
    return code[:5]


def postal_code_field():
    return forms.CharField(
        label=_("ZIP code"), max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
        help_text=_("Five digits. We use it only to find trial sites near you."),
    )


def travel_radius_field():
    # No answer is preselected: "no limit" would otherwise be everybody's answer without anyone choosing it.
    return radio(_("How far could you travel to a trial site?"), TRAVEL_CHOICES,
                 error_messages={"required": _("Choose how far you could travel.")})


class AboutForm(WordedForm):
    """What every trial asks first: birthday, sex, where the patient lives and how far they would go."""

    birth_date = BirthDateField(
        label=_("Date of birth"),
        help_text=_("For example 23 April 1975. If you are filling this in for a child, give the child's birthday."),
    )
    sex = radio(_("Sex assigned at birth"), list(Patient.Sex.choices),
                help_text=_("Many trials ask for this because medicines can act differently."))
    postal_code = postal_code_field()
    travel_radius = travel_radius_field()

    MINOR_LABELS = {
        "birth_date": _("The child's date of birth"),
        "sex": _("The child's sex assigned at birth"),
        "travel_radius": _("How far could you and the child travel to a trial site?"),
    }

    clean_postal_code = clean_postal_code

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if age_on(birth_date, today) > MAX_AGE_YEARS:
            raise forms.ValidationError(_("Please check the year: that would be more than 120 years ago."))
        return birth_date

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

    @classmethod
    def input_count(cls):
        return 1  # typed or chosen: one answer, given one of two ways

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


class ContactForm(WordedForm):
    """Who we write to: asked last, after the questions, and only by those who go on to sign."""

    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}),
                                help_text=_("As you would sign it. One name is fine if that is your name."))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send your private status link here. Emails never contain health details."))
    phone = PhoneField(label=_("Phone (optional)"), required=False,
                       help_text=_("So a study coordinator can call you. A US number needs no country code."))

    MINOR_LABELS = {
        "full_name": _("The child's full name"),
        "email": _("Your email (parent or guardian)"),
        "phone": _("Your phone (parent or guardian, optional)"),
    }


class PageForm(forms.Form):
    """A step with nothing to fill in (the results so far, the crisis page, the medicines check, the review):
    reading it and pressing the button is the step."""


def safety_item_answered_above_not_at_all(questions_data):
    return bool(questions_data) and (questions_data.get("phq9_9") or 0) > 0


class EditLocationForm(forms.Form):
    postal_code = postal_code_field()
    travel_radius = travel_radius_field()

    clean_postal_code = clean_postal_code
