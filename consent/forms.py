import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Authorization
from .services import is_minor_on
from .wording import (
    authority_label,
    authority_missing,
    not_the_patients_name,
    relationship_choices,
    representative_name_label,
    representative_typed_the_patients_name,
)

# Letters that carry their mark in the letter itself, so Unicode decomposition leaves them as they are.
UNDECOMPOSED = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ħ": "h", "ı": "i", "þ": "th"})


def comparable_name(name):
    """A name as two spellings of it are compared: case, accents, spacing and punctuation aside, so
    "josé  garcía" and "José García" (or "Jose Garcia", "Nguyen Thi Anh" for "Nguyễn Thị Ánh") are one name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char)).translate(UNDECOMPOSED)
    return "".join(char for char in letters if char.isalnum())


class SignForm(forms.Form):
    certify = forms.BooleanField(
        label=_("I have read this authorization, I understand it, and I sign it of my own free will."),
        error_messages={"required": _("Tick the box to confirm you have read and understood the authorization.")},
    )
    signed_name = forms.CharField(
        label=_("Type your full name as your signature"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    relationship = forms.ChoiceField(label=_("Who is signing?"), choices=(), widget=forms.RadioSelect)
    representative_authority = forms.CharField(
        max_length=300, required=False,
        help_text=_("For example: parent with legal custody; court-appointed guardian."),
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.minor = is_minor_on(patient, timezone.now())
        sex = patient.sex
        # Built per request: the labels agree with the patient in Spanish ("la paciente", "el paciente").
        self.fields["relationship"].choices = relationship_choices(sex, minor=self.minor)
        self.fields["representative_authority"].label = authority_label(sex)
        if self.minor:
            # A minor cannot sign for themself: only the representative choices remain.
            self.fields["relationship"].initial = Authorization.Relationship.PARENT
            self.fields["signed_name"].label = representative_name_label(sex)
        else:
            self.fields["relationship"].initial = Authorization.Relationship.SELF

    def clean_signed_name(self):
        name = " ".join(self.cleaned_data["signed_name"].split())
        if not comparable_name(name):
            raise forms.ValidationError(_("Type your name as your signature."))
        return name

    def clean(self):
        cleaned = super().clean()
        relationship, name = cleaned.get("relationship"), cleaned.get("signed_name")
        patient_name, sex = self.patient.full_name, self.patient.sex
        if relationship == Authorization.Relationship.SELF:
            # The signature is the patient's: the name they gave at intake, however they type it now.
            if name and comparable_name(name) != comparable_name(patient_name):
                self.add_error("signed_name", not_the_patients_name(sex, " ".join(patient_name.split())))
        elif relationship:
            if name and comparable_name(name) == comparable_name(patient_name):
                self.add_error("signed_name", representative_typed_the_patients_name(sex))
            if not cleaned.get("representative_authority", "").strip():
                self.add_error("representative_authority", authority_missing(sex))
        return cleaned


class RevokeForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, revoke my authorization. Stop using my information to look for trials."),
        error_messages={"required": _("Tick the box to confirm that you want to revoke.")},
    )


class NewStatusLinkForm(forms.Form):
    """Ask for a fresh private link. Only the e-mail address on file receives it, so the page can say the same
    thing whether or not such a record exists."""

    email = forms.EmailField(label=_("The e-mail address you gave us"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    birth_date = forms.DateField(
        label=_("The patient's date of birth"),
        # One unambiguous format, the browser's date picker sends it (no 05/12 read as December or May).
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_("Pick the date, or type it as year-month-day, for example 1975-04-23. If you signed for a "
                    "child, give the child's birthday."),
        error_messages={"invalid": _("Enter the date as year-month-day, for example 1975-04-23.")},
    )
