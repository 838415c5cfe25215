"""Phone numbers are real phone numbers, kept in E.164; a name may be one word (issue 17 item 6, the intake's part)."""

import pytest

from intake.forms import ContactForm
from intake.models import Patient

from .conftest import CONTACT, step_of, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "stored"), [
    ("(713) 555-0143", "+17135550143"),
    ("713.555.0143", "+17135550143"),
    ("+1 713 555 0143", "+17135550143"),
    ("+52 55 1234 5678", "+525512345678"),
    ("", ""),
])
def test_a_phone_number_written_any_usual_way_is_kept_in_e164(typed, stored):
    form = ContactForm({**CONTACT, "phone": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("typed", ["12345", "555-0143", "call me", "+1 000 000 0000"])
def test_something_that_is_not_a_phone_number_is_refused_with_an_example(typed):
    form = ContactForm({**CONTACT, "phone": typed})
    assert not form.is_valid()
    assert "for example (713) 555-0123" in form.errors["phone"][0]


def test_the_patient_is_saved_with_the_e164_number_and_the_review_shows_it_for_people(client):
    page = walk(client, contact={**CONTACT, "phone": "713 555 0143"}, stop_at="review").content.decode()
    assert "(713) 555-0143" in page
    walk(client)
    assert Patient.objects.get().phone == "+17135550143"


def test_a_name_may_be_one_word(client):
    response = walk(client, contact={**CONTACT, "full_name": "Madonna"})
    assert step_of(response) is None  # on to the authorization
    assert Patient.objects.get().full_name == "Madonna"


def test_a_refused_phone_number_is_shown_back_on_the_contact_page(client):
    response = walk(client, contact={**CONTACT, "phone": "12345"})
    assert step_of(response) == "contact"
    page = response.content.decode()
    assert 'value="12345"' in page and 'href="#id_contact-phone"' in page


def test_staff_pages_can_show_the_number_the_way_people_write_it():
    from tests.conftest import make_patient

    assert make_patient(phone="+17135550143").phone_for_people == "(713) 555-0143"
    assert make_patient(phone="home, after 5pm").phone_for_people == "home, after 5pm"  # as typed before checks
