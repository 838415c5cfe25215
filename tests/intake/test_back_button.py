"""The browser's Back button: every POST of the wizard ends in a redirect, every step has its own address, and
after signing the wizard says so instead of showing the answers again."""

import pytest
from django.urls import reverse

from intake.models import Patient
from tests.conftest import sign

from .conftest import ABOUT, CONTACT, landed_on, walk, wizard_post

pytestmark = pytest.mark.django_db


def step_url(step):
    return reverse("intake:step", args=[step])


def walk_to_signing(client):
    return walk(client)


@pytest.mark.parametrize(("step", "data"), [
    ("about", ABOUT),  # accepted: on to the next step
    ("about", {**ABOUT, "postal_code": "nope"}),  # refused: this step again, with its errors
    ("review", {}),  # a step the wizard does not show yet
])
def test_every_post_is_answered_with_a_redirect(client, step, data):
    client.get(reverse("intake:wizard"))
    response = wizard_post(client, step, data, follow=False)
    assert response.status_code == 302


def test_the_last_step_redirects_to_the_authorization_and_so_does_a_second_press(client):
    assert landed_on(walk_to_signing(client)) == reverse("patient:sign")
    again = wizard_post(client, "review", {}, follow=False)
    assert again.status_code == 302
    assert Patient.objects.count() == 1


def test_refused_answers_come_back_on_the_steps_own_page_with_their_errors(client):
    client.get(reverse("intake:wizard"))
    response = wizard_post(client, "about", {**ABOUT, "postal_code": "7703"})
    assert response.redirect_chain == [(step_url("about"), 302)]
    page = response.content.decode()
    assert "Enter a 5-digit US ZIP code" in page
    assert 'value="7703"' in page and 'value="1972"' in page  # nothing typed is lost


def test_each_step_has_its_address_and_going_back_shows_the_answers_given(client):
    client.get(reverse("intake:wizard"))
    assert landed_on(wizard_post(client, "about", ABOUT)) == step_url("condition")
    assert landed_on(wizard_post(client, "condition", {"condition_code": "onc:LUAD"})) == step_url("results")
    page = client.get(step_url("about")).content.decode()  # the browser's Back, twice
    assert 'value="1972"' in page and 'value="77030"' in page
    assert 'value="onc:LUAD" selected' in client.get(step_url("condition")).content.decode()


def test_a_step_cannot_be_reached_before_the_steps_it_follows(client):
    client.get(reverse("intake:wizard"))
    response = client.get(step_url("contact"))
    assert response.status_code == 302 and response["Location"] == step_url("about")


def test_the_done_address_saves_nothing(client):
    walk_to_signing(client)
    Patient.objects.all().delete()
    response = client.get(step_url("done"))
    assert response.status_code == 302
    assert not Patient.objects.exists()


def test_going_back_from_the_authorization_to_change_an_answer_changes_the_same_patient(client):
    walk_to_signing(client)
    page = client.get(step_url("contact")).content.decode()
    assert 'value="Lena Park"' in page
    wizard_post(client, "contact", {**CONTACT, "full_name": "Lena Park-Ortiz"})
    response = wizard_post(client, "review", {})
    assert landed_on(response) == reverse("patient:sign")
    assert Patient.objects.get().full_name == "Lena Park-Ortiz"


def test_back_after_signing_says_it_is_signed_and_shows_no_answers(client):
    walk_to_signing(client)
    sign(Patient.objects.get())
    for step in ("about", "condition", "contact", "review"):
        page = client.get(step_url(step)).content.decode()
        assert "You have already signed" in page
        assert "Lena Park" not in page and "77030" not in page
        assert reverse("patient:new_status_link") in page
    # Sending a step again changes nothing either.
    response = wizard_post(client, "contact", {**CONTACT, "full_name": "Someone Else"})
    assert "You have already signed" in response.content.decode()
    wizard_post(client, "review", {})
    assert Patient.objects.get().full_name == "Lena Park"


def test_starting_a_new_intake_after_signing_starts_empty(client):
    walk_to_signing(client)
    sign(Patient.objects.get())
    response = client.post(reverse("intake:wizard"), {"start_over": "1"}, follow=True)
    page = response.content.decode()
    assert "You have already signed" not in page and "Lena Park" not in page
    assert landed_on(response) == step_url("about")
