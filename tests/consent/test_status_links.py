"""The private status link: a patient can replace it (the old one stops opening), and rotating SECRET_KEY breaks
no link."""

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core import mail, signing

from intake.models import STATUS_LINK_SALT, Patient
from tests.conftest import make_patient, sign

ROOT = Path(__file__).resolve().parents[2]


def ask_for_new_link(client, email, birth_date, callbacks):
    with callbacks(execute=True):
        return client.post("/status-link/", {"email": email, "birth_date": birth_date}, follow=True)


def links_in(message):
    return re.findall(r"https?://\S+/status/[^/\s]+/", message.body)


@pytest.mark.django_db
def test_a_patient_gets_a_new_link_by_email_and_the_old_one_stops_opening(client, lung_patient,
                                                                          django_capture_on_commit_callbacks):
    sign(lung_patient)
    old = lung_patient.status_token()
    assert client.get(f"/status/{old}/").status_code == 200
    mail.outbox.clear()

    response = ask_for_new_link(client, "PAT@example.com ", "1970-05-01", django_capture_on_commit_callbacks)

    assert "we have sent a new private link" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pat@example.com"]
    (link,) = links_in(mail.outbox[0])
    new = link.rstrip("/").rsplit("/", 1)[-1]
    assert new != old
    assert client.get(f"/status/{old}/").status_code == 404
    assert client.get(f"/status/{old}/authorization/").status_code == 404
    assert client.get(f"/status/{new}/").status_code == 200
    assert Patient.objects.get(pk=lung_patient.pk).status_token() == new
    assert "lung" not in mail.outbox[0].body.lower()


@pytest.mark.django_db
def test_the_answer_never_says_whether_such_a_patient_exists(client, lung_patient,
                                                             django_capture_on_commit_callbacks):
    known = ask_for_new_link(client, "pat@example.com", "1970-05-01", django_capture_on_commit_callbacks)
    wrong_birthday = ask_for_new_link(client, "pat@example.com", "1971-05-01", django_capture_on_commit_callbacks)
    unknown = ask_for_new_link(client, "nobody@example.com", "1970-05-01", django_capture_on_commit_callbacks)

    def shown(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert shown(known) == shown(wrong_birthday) == shown(unknown)
    assert len(mail.outbox) == 1  # only the real patient's address received anything


@pytest.mark.django_db
def test_the_new_link_email_is_in_the_patients_language(client, django_capture_on_commit_callbacks):
    make_patient(language="es", email="ana@example.com", birth_date=date(1980, 2, 10))
    ask_for_new_link(client, "ana@example.com", "1980-02-10", django_capture_on_commit_callbacks)
    assert "enlace" in mail.outbox[0].subject.lower()


@pytest.mark.django_db
def test_the_form_reads_only_an_unambiguous_date_and_says_so_in_the_patients_language(client):
    response = client.post("/status-link/", {"email": "pat@example.com", "birth_date": "05/12/2008"},
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "año-mes-día" in response.content.decode()


@pytest.mark.django_db
def test_asking_for_new_links_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "/status-link/": (2, 3600)}
    codes = [client.post("/status-link/", {"email": "x@example.com", "birth_date": "1970-01-01"}).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]


@pytest.mark.django_db
def test_a_replaced_link_leads_to_a_page_that_offers_a_new_one(client, lung_patient, settings):
    old = lung_patient.status_token()
    lung_patient.rotate_status_link()
    page = client.get(f"/status/{old}/")
    assert page.status_code == 404
    assert "/status-link/" in page.content.decode()


@pytest.mark.django_db
def test_links_signed_before_links_could_be_replaced_still_open(client, lung_patient):
    token = signing.Signer(salt=STATUS_LINK_SALT).sign(str(lung_patient.public_id))
    assert client.get(f"/status/{token}/").status_code == 200


@pytest.mark.django_db
def test_a_link_signed_with_the_previous_secret_key_still_opens_after_rotating_it(client, lung_patient, settings):
    old_key = settings.SECRET_KEY
    token = lung_patient.status_token()
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert client.get(f"/status/{token}/").status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(f"/status/{token}/").status_code == 404


def test_secret_key_fallbacks_are_read_from_the_environment():
    env = {**os.environ, "SECRET_KEY_FALLBACKS": "old-key-one,old-key-two"}
    result = subprocess.run([sys.executable, "-c", "import config.settings as s; print(s.SECRET_KEY_FALLBACKS)"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "['old-key-one', 'old-key-two']", result.stderr
