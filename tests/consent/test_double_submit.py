"""One signature however often the button is pressed, and the private link shown once on the device that signed."""

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client

from consent import services
from consent.models import Authorization
from tests.conftest import make_patient, sign

from .conftest import sign_form, start_signing


@pytest.mark.django_db
def test_signing_again_while_the_authorization_holds_is_refused_as_already_signed(lung_patient):
    sign(lung_patient)
    with pytest.raises(services.AlreadySigned):
        sign(lung_patient)
    assert lung_patient.authorizations.count() == 1


@pytest.mark.django_db
def test_pressing_sign_twice_makes_one_signature_and_the_second_press_lands_on_the_done_page(
    client, lung_patient, authorization_text
):
    start_signing(client, lung_patient)
    first = client.post("/authorize/", sign_form(authorization_text))
    second = client.post("/authorize/", sign_form(authorization_text))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/authorize/done/"
    assert lung_patient.authorizations.count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_signature_posts_make_one_authorization(lung_trial):
    """Four POSTs of the same form at once (a double click and an impatient reload), each on its own connection."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (set DATABASE_URL)")
    from consent.models import AuthorizationText

    patient = make_patient()
    text = AuthorizationText.objects.current()
    browser = Client()
    start_signing(browser, patient)
    cookie = browser.cookies["sessionid"].value
    barrier = threading.Barrier(4)
    responses, errors = [], []

    def press_sign():
        try:
            tab = Client()
            tab.cookies["sessionid"] = cookie
            barrier.wait(timeout=10)
            responses.append(tab.post("/authorize/", sign_form(text)))
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's own failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_sign) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert Authorization.objects.filter(patient=patient).count() == 1
    assert [r.status_code for r in responses] == [302] * 4
    assert {r["Location"] for r in responses} == {"/authorize/done/"}
    done = browser.get("/authorize/done/").content.decode()
    assert patient.status_token() in done


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_signatures_from_the_status_link_make_one_authorization(lung_trial):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (set DATABASE_URL)")
    from consent.models import AuthorizationText
    from consent.services import revoke_authorization

    patient = make_patient()
    sign(patient)
    revoke_authorization(patient=patient)
    text = AuthorizationText.objects.current()
    url = f"/status/{patient.status_token()}/authorization/sign/"
    barrier = threading.Barrier(4)
    codes = []

    def press_sign():
        try:
            barrier.wait(timeout=10)
            codes.append(Client().post(url, sign_form(text)).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_sign) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert codes == [302] * 4
    assert Authorization.objects.filter(patient=patient, revocation__isnull=True).count() == 1


@pytest.mark.django_db
def test_the_done_page_shows_the_private_link_once_and_the_link_is_emailed(
    client, lung_patient, authorization_text, django_capture_on_commit_callbacks
):
    start_signing(client, lung_patient)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/authorize/", sign_form(authorization_text))
    token = lung_patient.status_token()
    first = client.get("/authorize/done/").content.decode()
    assert token in first
    assert any(token in message.body for message in mail.outbox)

    later = client.get("/authorize/done/")
    assert later.status_code == 200
    page = later.content.decode()
    assert token not in page
    assert lung_patient.reference not in page
    assert "e-mailed" in page or "emailed" in page
    assert "/status-link/" in page  # where to ask for a fresh link
    # Pressing back and signing again does not show it either.
    again = client.post("/authorize/", sign_form(authorization_text), follow=True)
    assert token not in again.content.decode()
    assert lung_patient.authorizations.count() == 1


@pytest.mark.django_db
def test_the_done_page_of_a_browser_that_signed_nothing_sends_it_to_the_start(client):
    response = client.get("/authorize/done/")
    assert response.status_code == 302 and response["Location"] == "/"
