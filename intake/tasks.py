import logging
import smtplib

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .emails import send_existing_record, send_status_link
from .models import Patient
from .retention import erase_unsigned_intakes as erase_unsigned

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError), retry_backoff=True,
             retry_backoff_max=600, max_retries=8)
def send_status_link_email(patient_id):
    """Email a patient their private status link. Takes an id only; an erased patient gets nothing."""
    with transaction.atomic():
        # Claim the send with a conditional update: a second run, or a second worker, finds it taken.
        claimed = Patient.objects.active().filter(pk=patient_id, status_link_sent_at__isnull=True).update(
            status_link_sent_at=timezone.now()
        )
        if not claimed:
            return
        send_status_link(Patient.objects.get(pk=patient_id))  # an error rolls the claim back, and it retries
    log.info("status link emailed patient=%s", patient_id)


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError), retry_backoff=True,
             retry_backoff_max=600, max_retries=8)
def send_existing_record_email(patient_id):
    """Tell the person behind a possible duplicate intake where their earlier record is, at its address. Once."""
    with transaction.atomic():
        claimed = Patient.objects.active().filter(
            pk=patient_id, possible_duplicate_of__isnull=False, duplicate_notice_sent_at__isnull=True,
        ).update(duplicate_notice_sent_at=timezone.now())
        if not claimed:
            return
        earlier = Patient.objects.get(pk=patient_id).possible_duplicate_of
        if earlier.erased_at is None:
            send_existing_record(earlier)  # an error rolls the claim back, and it retries
    log.info("existing record e-mailed patient=%s", patient_id)


@shared_task
def erase_unsigned_intakes():
    """The daily erasure of intakes nobody signed (intake.retention); safe to run twice."""
    erased = erase_unsigned()
    log.info("unsigned intakes erased count=%s", erased)
    return erased
