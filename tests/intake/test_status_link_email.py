"""The status-link email: the patient's language, a working link, and no health details."""

import re

import pytest
from django.core import mail

from intake.models import Patient
from intake.tasks import send_status_link_email
from tests.conftest import sign

pytestmark = pytest.mark.django_db


def test_the_status_link_email_carries_the_private_link_and_no_health_details(lung_patient, settings):
    settings.SITE_URL = "https://trialbridge.example"
    send_status_link_email.delay(lung_patient.pk)
    [message] = mail.outbox
    assert message.to == ["pat@example.com"]
    body = message.body + message.alternatives[0][0]
    [token] = set(re.findall(r"https://trialbridge\.example/status/([^/\s\"]+)/", body))
    assert Patient.from_status_token(token) == lung_patient
    assert lung_patient.reference in body
    for detail in ("lung", "adenocarcinoma", "ECOG", "stage", "cancer", "Pat Example"):
        assert detail.lower() not in (message.subject + body).lower()


def test_a_spanish_speaking_patient_gets_the_email_in_spanish(lung_patient):
    lung_patient.language = "es"
    lung_patient.save()
    send_status_link_email(lung_patient.pk)
    [message] = mail.outbox
    assert "enlace" in message.subject.lower()
    assert "privado" in message.body


def test_an_erased_patient_gets_no_email(lung_patient):
    from django.utils import timezone

    lung_patient.erased_at = timezone.now()
    lung_patient.save()
    send_status_link_email(lung_patient.pk)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_status_link_email_is_sent_once_even_if_the_task_runs_twice(lung_patient, mailoutbox):
    send_status_link_email(lung_patient.pk)
    send_status_link_email(lung_patient.pk)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_signing_sends_the_status_link_email_after_commit(lung_patient, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign(lung_patient)
    assert len(mailoutbox) == 1
    assert lung_patient.status_token()[:20] in mailoutbox[0].body
