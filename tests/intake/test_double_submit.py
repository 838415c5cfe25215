"""Double submits (issue 16 item 7, the intake's half): the last step makes one patient however often it is sent,
at once or one after another; the same person registering twice is e-mailed their earlier record, the page never
says whether one exists, and coordinators see the new one flagged."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from intake.models import Patient
from tests.conftest import make_patient, sign

from .conftest import ABOUT, CONTACT, WIZARD, landed_on, walk, wizard_post


@pytest.mark.django_db
def test_sending_the_last_step_twice_makes_one_patient(client):
    first = walk(client)
    second = wizard_post(client, "review", {})
    assert landed_on(first) == landed_on(second) == reverse("patient:sign")
    assert Patient.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_four_concurrent_posts_of_the_last_step_make_one_patient():
    """Four POSTs of the review at once (a double click and an impatient reload), each on its own connection."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (set DATABASE_URL)")
    browser = Client()
    walk(browser, stop_at="review")
    cookie = browser.cookies["sessionid"].value
    barrier = threading.Barrier(4)
    responses, errors = [], []

    def press_continue():
        try:
            tab = Client()
            tab.cookies["sessionid"] = cookie
            barrier.wait(timeout=10)
            responses.append(tab.post(reverse("intake:wizard"), {f"{WIZARD}-current_step": "review"}))
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's own failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_continue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert Patient.objects.count() == 1
    assert [r.status_code for r in responses] == [302] * 4
    assert {r["Location"] for r in responses} == {reverse("patient:sign")}


@pytest.fixture
def earlier_record(db):
    patient = make_patient(full_name="Lena Park", email="Lena@Example.com", birth_date=date(1972, 6, 15))
    sign(patient)
    mail.outbox.clear()
    return patient


@pytest.mark.django_db
def test_the_same_person_registering_again_is_emailed_their_earlier_record(client, earlier_record,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = walk(client)
    new = Patient.objects.exclude(pk=earlier_record.pk).get()
    assert new.possible_duplicate_of == earlier_record  # what coordinators see flagged
    [message] = mail.outbox
    assert message.to == ["Lena@Example.com"]
    assert earlier_record.status_token() in message.body and earlier_record.reference in message.body
    assert "lung" not in message.body.lower() and "Lena" not in message.body
    assert landed_on(response) == reverse("patient:sign")


@pytest.mark.django_db
def test_the_page_says_the_same_whether_or_not_a_record_exists(earlier_record, django_capture_on_commit_callbacks):
    pages = []
    for email in ("lena@example.com", "someone.else@example.com"):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = walk(client, contact={**CONTACT, "email": email})
        pages.append((landed_on(response), client.get(reverse("patient:sign")).status_code))
    assert pages[0] == pages[1] == (reverse("patient:sign"), 200)


@pytest.mark.django_db
def test_the_earlier_record_is_emailed_once_however_often_the_intake_is_sent(client, earlier_record,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(client)
        wizard_post(client, "review", {})
    from intake.tasks import send_existing_record_email

    send_existing_record_email(Patient.objects.exclude(pk=earlier_record.pk).get().pk)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_different_birthday_or_an_unsigned_earlier_intake_is_not_a_duplicate(client, earlier_record,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(client, about={**ABOUT, "birth_date_day": "16"})
    assert Patient.objects.filter(possible_duplicate_of__isnull=False).count() == 0
    unsigned = make_patient(email="new@example.com", birth_date=date(1972, 6, 15))
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        walk(client, contact={**CONTACT, "email": "new@example.com"})
    assert not Patient.objects.filter(possible_duplicate_of=unsigned).exists()
    assert mail.outbox == []
