"""Nothing unsigned is kept for long (issue 16 item 8): intakes nobody signed are erased after UNSIGNED_INTAKE_DAYS
by a daily task, "Start over" erases the draft at once, and the admin dashboard can count what waits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from consent.models import AccessLog
from consent.services import log_access
from intake.models import Patient
from intake.retention import erase_unsigned_intake, unsigned_intake_counts
from intake.tasks import erase_unsigned_intakes
from tests.conftest import make_patient, sign

from .conftest import landed_on, walk

pytestmark = pytest.mark.django_db


def started_days_ago(days, **fields):
    patient = make_patient(**fields)
    Patient.objects.filter(pk=patient.pk).update(created_at=timezone.now() - timedelta(days=days))
    return patient


def test_intakes_nobody_signed_within_the_period_are_erased_and_signed_ones_kept(settings):
    settings.UNSIGNED_INTAKE_DAYS = 7
    old_unsigned = started_days_ago(8, email="old@example.com")
    recent_unsigned = started_days_ago(6, email="recent@example.com")
    old_signed = started_days_ago(30, email="signed@example.com")
    sign(old_signed)
    assert erase_unsigned_intakes() == 1
    assert not Patient.objects.filter(pk=old_unsigned.pk).exists()
    assert Patient.objects.filter(pk__in=[recent_unsigned.pk, old_signed.pk]).count() == 2
    assert erase_unsigned_intakes() == 0  # safe to run twice


def test_the_period_is_a_setting(settings):
    patient = started_days_ago(3)
    settings.UNSIGNED_INTAKE_DAYS = 2
    assert erase_unsigned_intakes() == 1
    assert not Patient.objects.filter(pk=patient.pk).exists()


def test_an_unsigned_intake_staff_looked_at_is_blanked_and_its_access_log_kept(admin_user):
    patient = started_days_ago(10, full_name="Kept Out", email="kept@example.com", phone="+17135550143")
    log_access(user=admin_user, patient=patient, action="view patient")
    assert erase_unsigned_intakes() == 1
    patient.refresh_from_db()
    assert patient.erased_at is not None
    assert (patient.full_name, patient.email, patient.phone, patient.answers, patient.postal_code) == (
        "", "", "", {}, "")
    assert AccessLog.objects.filter(patient=patient).count() == 1


def test_the_daily_task_is_scheduled():
    entry = app.conf.beat_schedule["erase-unsigned-intakes"]
    assert entry["task"] == "intake.tasks.erase_unsigned_intakes"


def test_counts_for_the_admin_dashboard(settings):
    settings.UNSIGNED_INTAKE_DAYS = 7
    started_days_ago(1)
    started_days_ago(9)
    sign(started_days_ago(9))
    assert unsigned_intake_counts() == {"waiting": 2, "overdue": 1}


def test_a_patient_who_signed_meanwhile_is_not_erased():
    patient = started_days_ago(30)
    sign(patient)
    assert erase_unsigned_intake(patient_id=patient.pk) is False
    assert Patient.objects.filter(pk=patient.pk, erased_at__isnull=True).exists()


def test_start_over_erases_the_unsigned_draft(client):
    walk(client)
    assert Patient.objects.count() == 1
    response = client.post(reverse("intake:wizard"), {"start_over": "1"}, follow=True)
    assert landed_on(response) == reverse("intake:step", args=["about"])
    assert not Patient.objects.exists()
    # And the authorization page has nothing left to sign.
    assert client.get(reverse("patient:sign"))["Location"] == reverse("intake:wizard")


def test_start_over_after_signing_keeps_the_signed_record(client):
    walk(client)
    sign(Patient.objects.get())
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    assert Patient.objects.filter(erased_at__isnull=True).count() == 1
