from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Authorization
from .services import is_minor_on


class SignForm(forms.Form):
    certify = forms.BooleanField(
        label=_("I have read this authorization, I understand it, and I sign it of my own free will."),
        error_messages={"required": _("Tick the box to confirm you have read and understood the authorization.")},
    )
    signed_name = forms.CharField(
        label=_("Type your full name as your signature"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    relationship = forms.ChoiceField(
        label=_("Who is signing?"), choices=Authorization.Relationship.choices, initial="self",
        widget=forms.RadioSelect,
    )
    representative_authority = forms.CharField(
        label=_("Your authority to act for the patient"), max_length=300, required=False,
        help_text=_("For example: parent with legal custody; court-appointed guardian."),
    )

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.minor = is_minor_on(patient, timezone.now())
        if self.minor:
            # A minor cannot sign for themself: only the representative choices remain.
            self.fields["relationship"].choices = [
                c for c in Authorization.Relationship.choices if c[0] != Authorization.Relationship.SELF
            ]
            self.fields["relationship"].initial = Authorization.Relationship.PARENT
            self.fields["signed_name"].label = _("Type your own full name (parent or guardian) as your signature")

    def clean_signed_name(self):
        name = " ".join(self.cleaned_data["signed_name"].split())
        if len(name) < 3 or " " not in name:
            raise forms.ValidationError(_("Type your full name: first and last name."))
        return name

    def clean(self):
        cleaned = super().clean()
        relationship = cleaned.get("relationship")
        if relationship and relationship != Authorization.Relationship.SELF:
            if not cleaned.get("representative_authority", "").strip():
                self.add_error("representative_authority",
                               _("Say what gives you the authority to sign for the patient."))
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
