import logging
import smtplib

from celery import shared_task

from .emails import send_status_link
from .models import Patient

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError), retry_backoff=True,
             retry_backoff_max=600, max_retries=8)
def send_status_link_email(patient_id):
    """Email a patient their private status link. Takes an id only; an erased patient gets nothing."""
    patient = Patient.objects.active().filter(pk=patient_id).first()
    if patient is None:
        return
    send_status_link(patient)
    log.info("status link emailed patient=%s", patient_id)
