"""What matching does when the lower apps announce something."""

from django.dispatch import receiver

from consent.signals import authorization_lapsed, authorization_revoked, authorization_signed, patient_erased
from intake.signals import answers_changed
from intake.tasks import send_status_link_email
from trials.signals import trial_changed

from . import lapses, services
from .models import Trigger
from .tasks import match_patient, match_trial, queue_after_commit


@receiver(authorization_signed)
def match_newly_signed(sender, patient_id, **kwargs):
    queue_after_commit(match_patient, patient_id, Trigger.NEW_INTAKE)
    queue_after_commit(send_status_link_email, patient_id)


@receiver(authorization_revoked)
def withdraw_on_revocation(sender, patient_id, **kwargs):
    # Synchronously, inside the revocation's transaction: gone from every queue in the same request.
    services.withdraw_patient_matches(patient_id)


@receiver(authorization_lapsed)
def withdraw_on_lapse(sender, patient_id, reason, **kwargs):
    # Inside the sweep's transaction, as for a revocation; staff views already hid the patient at query time.
    lapses.withdraw_lapsed_matches(patient_id, reason)


@receiver(answers_changed)
def rematch_changed_answers(sender, patient_id, **kwargs):
    # In the answers' own transaction: the coordinators' queue shows the news as soon as the answers are saved.
    services.note_new_information(patient_id)
    queue_after_commit(match_patient, patient_id, Trigger.ANSWERS_CHANGED)


@receiver(trial_changed)
def rematch_changed_trial(sender, trial_id, **kwargs):
    queue_after_commit(match_trial, trial_id, Trigger.TRIAL_CHANGED)


@receiver(patient_erased)
def scrub_on_erasure(sender, patient_id, **kwargs):
    services.scrub_patient_matches(patient_id)
