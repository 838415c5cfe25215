"""The only code that writes authorizations, revocations and the access log."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Patient

from .models import AccessLog, Authorization, AuthorizationText, Revocation
from .signals import authorization_revoked, authorization_signed

log = logging.getLogger(__name__)


class ConsentError(Exception):
    """A signing or revocation that cannot go ahead; the message is for the person in front of the screen."""


def signature_meaning(relationship):
    if relationship == Authorization.Relationship.SELF:
        return _("I authorize the release of my health records for clinical-trial eligibility screening.")
    return _(
        "As the patient's legal representative, I authorize the release of their health records for "
        "clinical-trial eligibility screening."
    )


@transaction.atomic
def sign_authorization(
    *,
    patient,
    text,
    language,
    signed_name,
    relationship=Authorization.Relationship.SELF,
    representative_authority="",
    ip_address=None,
    user_agent="",
    now=None,
):
    """Record a signature over exactly the text shown, then (after commit) have the patient matched."""
    if text.status != AuthorizationText.Status.PUBLISHED:
        raise ConsentError(_("This version of the authorization is no longer in use. Please read the current one."))
    if patient.is_minor and relationship == Authorization.Relationship.SELF:
        raise ConsentError(_("A parent or legal guardian must sign for a patient under 18."))
    now = now or timezone.now()
    authorization = Authorization(
        patient=patient,
        text=text,
        language=language,
        signed_name=signed_name.strip(),
        signed_at=now,
        signature_meaning=signature_meaning(relationship),
        signer_relationship=relationship,
        representative_authority=representative_authority.strip(),
        ip_address=ip_address,
        user_agent=(user_agent or "")[:500],
        snapshot=f"{text.title(language)}\n\n{text.body(language)}",
        expires_at=now + timedelta(days=text.valid_for_days),
    )
    authorization.seal()
    authorization.save()
    authorization_signed.send(sender=Authorization, patient_id=patient.pk)
    log.info("authorization signed patient=%s authorization=%s", patient.pk, authorization.pk)
    return authorization


@transaction.atomic
def revoke_authorization(*, patient, ip_address=None, user_agent="", method="status page", now=None):
    """Revoke every valid authorization of the patient, effective at once.

    The patient row is locked first: matching locks it too before it writes, so a run that was
    already going either finishes before this (and its matches are withdrawn here) or sees the
    revocation and writes nothing.
    """
    Patient.objects.select_for_update().get(pk=patient.pk)
    now = now or timezone.now()
    open_authorizations = patient.authorizations.filter(revocation__isnull=True)
    if not open_authorizations.exists():
        raise ConsentError(_("There is no active authorization to revoke."))
    revocations = [
        Revocation.objects.create(
            authorization=authorization,
            revoked_at=now,
            method=method,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:500],
        )
        for authorization in open_authorizations
    ]
    authorization_revoked.send(sender=Authorization, patient_id=patient.pk)
    log.info("authorization revoked patient=%s", patient.pk)
    return revocations


def current_authorization(patient):
    return Authorization.objects.valid().filter(patient=patient).select_related("text").first()


def log_access(*, user, patient, action, reason="", path=""):
    return AccessLog.objects.create(user=user, patient=patient, action=action, reason=reason, path=path[:300])
