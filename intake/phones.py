"""Phone numbers as Google's libphonenumber (the `phonenumbers` package) reads them: a number without a country
code is taken as a US one, and every number is stored in E.164 ("+17135550123"), one spelling per number.

The intake and the patient's "change my details" page both take numbers through `PhoneField`.
"""

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

DEFAULT_REGION = "US"

NOT_A_PHONE_NUMBER = _("Enter a phone number we can call, for example (713) 555-0123. Outside the US, start with + "
                       "and the country code, for example +52 55 1234 5678.")
NO_EXTENSIONS = _("Give a number that reaches you directly, without an extension.")


def normalize_phone(text, region=DEFAULT_REGION):
    """The number in E.164, or "" when none was given; ValidationError when it is not a real phone number."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(NOT_A_PHONE_NUMBER, code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(NOT_A_PHONE_NUMBER, code="invalid_phone")
    if number.extension:
        # E.164 has no place for one, and dropping it would store a number that does not reach the patient.
        raise forms.ValidationError(NO_EXTENSIONS, code="phone_extension")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(stored, region=DEFAULT_REGION):
    """A stored number as people write it: "(713) 555-0123" at home, "+52 55 1234 5678" abroad. A number stored
    before numbers were checked is shown as it was typed."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_valid_number(number):
        return stored
    home = phonenumbers.region_code_for_number(number) == region
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    """An optional-or-required phone number; its cleaned value is E.164 ("" when left empty)."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # The stored E.164 shows the way people write it; a number that does not parse shows as typed.
        return display_phone(value) if isinstance(value, str) else value

    def clean(self, value):
        return normalize_phone(super().clean(value))
