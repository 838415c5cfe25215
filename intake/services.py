"""The only code that writes patients and their answers."""

import logging

from django.db import transaction
from django.utils import timezone

from .geo import locate_zip
from .models import Patient, age_on
from .questionnaires import derive_answers
from .signals import answers_changed
from .tasks import send_existing_record_email

log = logging.getLogger(__name__)


class AlreadySigned(Exception):
    """The intake's patient has signed an authorization: their answers now change from the status page only."""


@transaction.atomic
def submit_intake(
    *,
    language,
    full_name,
    email,
    birth_date,
    sex,
    postal_code,
    condition_code,
    answers,
    phone="",
    travel_radius_km=None,
    intake_token=None,
    today=None,
):
    """Create the patient from a finished intake. Nothing is matched until they sign an authorization.

    With an `intake_token` (the wizard's own key) the same intake sent again, at once or after going back to
    change an answer, updates its one patient instead of making another, until that patient signs
    (then AlreadySigned). The unique token makes this hold for concurrent requests too.
    """
    today = today or timezone.localdate()
    location = locate_zip(postal_code)
    derived = derive_answers(answers)
    fields = dict(
        language=language,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        birth_date=birth_date,
        sex=sex,
        postal_code=postal_code.strip(),
        latitude=location[0] if location else None,
        longitude=location[1] if location else None,
        travel_radius_km=travel_radius_km,
        condition_code=condition_code,
        answers=derived,
        is_minor=age_on(birth_date, today) < 18,
        urgent=bool(derived.get("urgent")),
    )
    if intake_token is None:
        patient = Patient.objects.create(**fields)
    else:
        patient, created = Patient.objects.get_or_create(intake_token=intake_token, defaults=fields)
        if not created:
            patient = Patient.objects.select_for_update().get(pk=patient.pk)
            if patient.erased_at is not None or patient.has_signed():
                raise AlreadySigned
            for name, value in fields.items():
                setattr(patient, name, value)
            patient.answers_changed_at = timezone.now()
            patient.save()
    if intake_token is not None:
        flag_possible_duplicate(patient)
    log.info("intake submitted patient=%s", patient.pk)
    return patient


def flag_possible_duplicate(patient):
    """Mark a new intake whose e-mail address and birthday a signed record already has, and have that person
    e-mailed the earlier record's link (once, after commit). The page that submitted it says nothing of this:
    it must not tell anyone whether a record exists."""
    if patient.possible_duplicate_of_id is not None:
        return
    earlier = (Patient.objects.active().signed().filter(email__iexact=patient.email, birth_date=patient.birth_date)
               .exclude(pk=patient.pk).order_by("created_at").first())
    if earlier is None:
        return
    Patient.objects.filter(pk=patient.pk).update(possible_duplicate_of=earlier)
    patient.possible_duplicate_of = earlier
    log.info("possible duplicate patient=%s of=%s", patient.pk, earlier.pk)
    transaction.on_commit(lambda: _queue(send_existing_record_email, patient.pk))


def _queue(task, *args):
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - a broker outage must not lose the intake
        log.exception("could not queue %s", task.name)


# Marks an argument the caller did not give, where None is a real answer ("no travel limit").
UNCHANGED = object()


@transaction.atomic
def update_answers(*, patient, answers, condition_code=None, postal_code=None, travel_radius_km=UNCHANGED):
    """Merge new answers into the patient's, and have them re-matched once this commits.

    An answer given as None ("I don't know") is stored as unknown; keys not mentioned are kept.
    """
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    merged = dict(patient.answers or {})
    merged.update(answers)
    patient.answers = derive_answers(merged)
    patient.urgent = patient.urgent or bool(patient.answers.get("urgent"))
    if condition_code:
        patient.condition_code = condition_code
    if postal_code:
        location = locate_zip(postal_code)
        patient.postal_code = postal_code
        patient.latitude, patient.longitude = location if location else (None, None)
    if travel_radius_km is not UNCHANGED:
        patient.travel_radius_km = travel_radius_km  # None: the patient can travel any distance
    patient.answers_changed_at = timezone.now()
    patient.save()
    answers_changed.send(sender=Patient, patient_id=patient.pk)
    log.info("answers updated patient=%s", patient.pk)
    return patient


@transaction.atomic
def change_details(*, patient, full_name, email, phone, condition_code):
    """Change who the patient is and how to reach them, from their private link.

    A new condition has them matched again (through update_answers, which announces answers_changed); their
    answers are kept, and the follow-up questions ask what the new condition's trials need.
    """
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    patient.full_name, patient.email, patient.phone = full_name.strip(), email.strip(), phone.strip()
    patient.save(update_fields=["full_name", "email", "phone"])
    if condition_code and condition_code != patient.condition_code:
        patient = update_answers(patient=patient, answers={}, condition_code=condition_code)
    log.info("details changed patient=%s", patient.pk)
    return patient
