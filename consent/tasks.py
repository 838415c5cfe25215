"""Background work for consent: the sweep of authorizations that ended by themselves, and e-mails to patients.
Tasks take ids only, and are safe to run twice (conditional updates claim each e-mail)."""

import logging
import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from intake.models import Patient

from . import emails, services
from .models import Lapse

log = logging.getLogger(__name__)

MAIL_RETRY = {"autoretry_for": (smtplib.SMTPException, ConnectionError, TimeoutError, OperationalError,
                                InterfaceError),
              "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 8}
# Authorizations recorded per run; a run that fills its batch queues the next one, so a new version requiring
# re-consent (every patient's authorization ends at once) never holds a worker past its time limit.
LAPSE_BATCH = 1000


@shared_task(autoretry_for=(OperationalError, InterfaceError), retry_backoff=2, max_retries=5)
def sweep_lapsed_authorizations():
    """Record authorizations that expired, were superseded or ended at the patient's 18th birthday."""
    recorded, to_tell = services.record_lapses(limit=LAPSE_BATCH)
    for lapse_id in to_tell:  # each lapse committed already, so the e-mail task finds it
        send_lapse_notice.delay(lapse_id)
    if recorded == LAPSE_BATCH:
        transaction.on_commit(sweep_lapsed_authorizations.delay)
    return recorded


@shared_task(**MAIL_RETRY)
def send_lapse_notice(lapse_id):
    """E-mail the patient that their authorization ended. Nothing is sent once they signed again or were erased."""
    with transaction.atomic():
        claimed = Lapse.objects.filter(pk=lapse_id, patient_told_at__isnull=True).update(
            patient_told_at=timezone.now())
        if not claimed:
            return
        lapse = Lapse.objects.select_related("authorization__patient").get(pk=lapse_id)
        patient = lapse.authorization.patient
        if patient.erased_at is not None or services.current_authorization(patient) is not None:
            return  # the claim stays: there is nothing to tell them any more
        emails.send_authorization_ended(lapse)  # an error rolls the claim back, and it retries
    log.info("lapse notice emailed patient=%s", patient.pk)


@shared_task(**MAIL_RETRY)
def send_new_status_link(patient_id):
    """E-mail the patient the fresh link they asked for (Patient.rotate_status_link cleared the sent stamp)."""
    with transaction.atomic():
        claimed = Patient.objects.active().filter(pk=patient_id, status_link_sent_at__isnull=True).update(
            status_link_sent_at=timezone.now())
        if not claimed:
            return
        emails.send_new_status_link(Patient.objects.get(pk=patient_id))
    log.info("new status link emailed patient=%s", patient_id)


def send_new_status_links(*, email, birth_date):
    """Replace the private links of the patients with this e-mail address and birthday, and e-mail the new ones."""
    for patient_id in services.replace_status_links(email=email, birth_date=birth_date):
        transaction.on_commit(lambda patient_id=patient_id: send_new_status_link.delay(patient_id))
