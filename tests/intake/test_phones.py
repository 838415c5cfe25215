"""Phone numbers are real phone numbers: read by libphonenumber, US by default, kept in E.164."""

import pytest
from django import forms

from intake.phones import PhoneField, display_phone, normalize_phone


@pytest.mark.parametrize(("typed", "stored"), [
    ("(713) 555-0123", "+17135550123"),
    ("713.555.0123", "+17135550123"),
    ("1 713 555 0123", "+17135550123"),
    ("+1 (713) 555-0123", "+17135550123"),
    ("+52 55 1234 5678", "+525512345678"),
    ("+44 20 7946 0958", "+442079460958"),
    ("", ""),
    ("   ", ""),
])
def test_a_real_number_is_stored_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["555-1234", "12345", "call me", "+1 000 000 0000", "713 555 01234 5"])
def test_what_is_not_a_phone_number_is_refused_with_an_example(typed):
    with pytest.raises(forms.ValidationError) as refused:
        normalize_phone(typed)
    assert "for example (713) 555-0123" in str(refused.value)


def test_an_extension_is_refused_rather_than_dropped():
    with pytest.raises(forms.ValidationError, match="without an extension"):
        normalize_phone("713 555 0123 ext. 4")


def test_stored_numbers_read_as_people_write_them():
    assert display_phone("+17135550123") == "(713) 555-0123"
    assert display_phone("+525512345678") == "+52 55 1234 5678"
    assert display_phone("") == ""
    assert display_phone("call after 5") == "call after 5"  # typed before numbers were checked: shown as it is


def test_the_field_cleans_to_e164_and_shows_the_stored_number_the_usual_way():
    field = PhoneField(required=False)
    assert field.clean("(713) 555-0123") == "+17135550123"
    assert field.clean("") == ""
    assert field.prepare_value("+17135550123") == "(713) 555-0123"
    assert 'type="tel"' in field.widget.render("phone", "") and 'autocomplete="tel"' in field.widget.render("p", "")
