"""The patient's "change my details" form: name, e-mail, phone and condition, from the private status link.

Health answers have their own page (intake.views.edit_answers); the wizard's forms live in intake/forms/.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms.choices import ADULT_AGE_YEARS, condition_choices, condition_suggestions, current_language, find_condition
from .phones import PhoneField


class DetailsForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send your private status link here. Emails never contain health details."))
    phone = PhoneField(label=_("Phone (optional)"), required=False,
                       help_text=_("For example (713) 555-0123. Outside the US, start with + and the country code."))
    condition_code = forms.ChoiceField(
        label=_("Choose it from the list"), choices=(), required=False,
        error_messages={"invalid_choice": _("Choose a condition from the list.")},
    )
    condition_text = forms.CharField(
        label=_("Or type its name"), required=False, max_length=120,
        widget=forms.TextInput(attrs={"list": "condition-suggestions", "autocomplete": "off"}),
        help_text=_("Any name you know works, in English or Spanish: for example “NSCLC”, “cáncer de mama”, "
                    "“depression”."),
    )

    # A parent or guardian keeps the details of a patient under 18: the labels say whose they are.
    MINOR_LABELS = {
        "full_name": _("The child's full name"),
        "email": _("Your email (parent or guardian)"),
        "phone": _("Your phone (parent or guardian, optional)"),
    }

    def __init__(self, *args, patient, **kwargs):
        kwargs.setdefault("initial", {"full_name": patient.full_name, "email": patient.email, "phone": patient.phone,
                                      "condition_code": patient.condition_code})
        super().__init__(*args, **kwargs)
        self.patient = patient
        language = current_language()
        self.fields["condition_code"].choices = condition_choices(language)
        self.suggestions = condition_suggestions(language)
        self.minor = patient.age_on(timezone.localdate()) < ADULT_AGE_YEARS
        if self.minor:
            for name, label in self.MINOR_LABELS.items():
                self.fields[name].label = label

    def clean_full_name(self):
        # One word is a name too; only spacing is tidied.
        name = " ".join(self.cleaned_data["full_name"].split())
        if not any(char.isalpha() for char in name):
            raise forms.ValidationError(_("Enter a name."))
        return name

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("condition_text") or "").strip()
        if text:
            # What the patient typed wins over the list, which still shows the condition they had.
            code = find_condition(text)
            if code is None:
                self.add_error("condition_text", _("We did not recognise “%(text)s”. Try another name or "
                                                   "choose from the list.") % {"text": text})
            cleaned["condition_code"] = code
        elif not cleaned.get("condition_code") and "condition_code" not in self.errors:
            self.add_error("condition_code", _("Type your condition or choose it from the list."))
        return cleaned

    def condition_changed(self):
        return self.cleaned_data["condition_code"] != self.patient.condition_code
