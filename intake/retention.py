"""How long an intake nobody signed is kept: UNSIGNED_INTAKE_DAYS, then it is erased (a daily task, and at once
when the person presses "Start over")."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from .models import Patient

log = logging.getLogger(__name__)


def unsigned_intakes_to_erase(now=None):
    """Intakes nobody signed, started more than UNSIGNED_INTAKE_DAYS ago: the daily task erases them."""
    now = now or timezone.now()
    return Patient.objects.active().unsigned().filter(
        created_at__lt=now - timedelta(days=settings.UNSIGNED_INTAKE_DAYS))


def unsigned_intake_counts(now=None):
    """For the admin dashboard: intakes waiting for a signature now, and how many of them are past the period
    (more than zero for long means the daily erasure is not running)."""
    return {"waiting": Patient.objects.active().unsigned().count(),
            "overdue": unsigned_intakes_to_erase(now).count()}


@transaction.atomic
def erase_unsigned_intake(*, patient_id):
    """Erase an intake nobody signed: deleted outright, or, when staff looked at it (the access log, append-only,
    keeps pointing at it), blanked in place as an erasure on request is. Returns whether it was erased; a
    patient who signed meanwhile is left alone (the row lock and the check come first)."""
    patient = Patient.objects.select_for_update().filter(pk=patient_id, erased_at__isnull=True).first()
    if patient is None or patient.has_signed():
        return False
    try:
        with transaction.atomic():
            patient.delete()
    except ProtectedError:
        Patient.objects.filter(pk=patient.pk).update(
            full_name="", email="", phone="", answers={}, postal_code="", latitude=None, longitude=None,
            travel_radius_km=None, condition_code="", birth_date=date(patient.birth_date.year, 1, 1), urgent=False,
            intake_token=None, erased_at=timezone.now())
    log.info("unsigned intake erased patient=%s", patient_id)
    return True


def erase_unsigned_intakes(now=None):
    """Erase every intake nobody signed within UNSIGNED_INTAKE_DAYS; returns how many."""
    ids = list(unsigned_intakes_to_erase(now).order_by("pk").values_list("pk", flat=True))
    return sum(erase_unsigned_intake(patient_id=pk) for pk in ids)
