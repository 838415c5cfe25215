"""The only code that writes authorizations, revocations and the access log."""

import logging
from datetime import date, timedelta

from django.core import serializers
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from intake.models import Patient, age_on

from .models import ADULT_AGE_YEARS, AccessLog, Authorization, AuthorizationText, Lapse, Revocation, majority_begins
from .signals import authorization_lapsed, authorization_revoked, authorization_signed, patient_erased

log = logging.getLogger(__name__)


class ConsentError(Exception):
    """A signing or revocation that cannot go ahead; the message is for the person in front of the screen."""


class AlreadySigned(ConsentError):
    """The patient's authorization holds already: a second press of the button, a reload, another tab."""


def signature_meaning(relationship, sex=None):
    if relationship == Authorization.Relationship.SELF:
        return _("I authorize the release of my health records for clinical-trial eligibility screening.")
    # Spanish says "de la paciente" or "del paciente"; the representative's own sex is not asked, so no article.
    if sex == Patient.Sex.FEMALE:
        return pgettext("female patient", "As the patient's legal representative, I authorize the release of their "
                        "health records for clinical-trial eligibility screening.")
    return pgettext("male patient", "As the patient's legal representative, I authorize the release of their "
                    "health records for clinical-trial eligibility screening.")


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
    current = AuthorizationText.objects.current()
    if text.status != AuthorizationText.Status.PUBLISHED or current is None or text.pk != current.pk:
        # A newer version was published while they read: they sign what is current, having seen it.
        raise ConsentError(_("This version of the authorization is no longer in use. Please read the current one."))
    if patient.erased_at is not None:
        raise ConsentError(_("This record was erased at the patient's request."))
    # One signing at a time per patient (revocation and matching take the same lock): a second press waits here,
    # then finds the first signature valid. The unique `previous` still refuses a race this lock would not see.
    Patient.objects.select_for_update().get(pk=patient.pk)
    now = now or timezone.now()
    if Authorization.objects.valid(now).filter(patient=patient).exists():
        raise AlreadySigned(_("Your authorization is already signed."))
    minor = is_minor_on(patient, now)
    if minor and relationship == Authorization.Relationship.SELF:
        raise ConsentError(_("A parent or legal guardian must sign for a patient under 18."))
    expires_at = now + timedelta(days=text.valid_for_days)
    if minor:
        # What a parent signs for a child ends when the child turns 18: from then on only they can sign.
        expires_at = min(expires_at, majority_begins(patient.birth_date))
    authorization = Authorization(
        patient=patient,
        text=text,
        language=language,
        signed_name=signed_name.strip(),
        signed_at=now,
        signature_meaning=signature_meaning(relationship, patient.sex),
        signer_relationship=relationship,
        representative_authority=representative_authority.strip(),
        ip_address=ip_address,
        user_agent=(user_agent or "")[:500],
        snapshot=text.snapshot(language),
        expires_at=expires_at,
        previous=patient.authorizations.order_by("-pk").first(),
    )
    authorization.seal()
    try:
        with transaction.atomic():
            authorization.save()
    except IntegrityError:
        # Another request signed from the same state first (Authorization.previous is unique).
        raise AlreadySigned(_("Your authorization is already signed.")) from None
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


def is_minor_on(patient, now):
    """Under 18 at `now`, by the birth date (the intake's is_minor flag is only true on the day it was set)."""
    return age_on(patient.birth_date, timezone.localtime(now).date()) < ADULT_AGE_YEARS


def current_authorization(patient):
    return Authorization.objects.valid().filter(patient=patient).select_related("text").first()


def needs_signature(patient):
    """True when the patient has no valid authorization: never signed, revoked, expired or superseded."""
    return current_authorization(patient) is None


def authorization_state(patient, now=None):
    """(state, authorization) for the patient's own page: "active" with the valid authorization; "never signed";
    or why the latest one ended ("revoked", "expired", "superseded", "came_of_age") with that authorization."""
    current = current_authorization(patient)
    if current is not None:
        return "active", current
    latest = patient.authorizations.select_related("text").order_by("-signed_at", "-pk").first()
    if latest is None:
        return "never signed", None
    return latest.ended_because(now), latest


def record_lapses(now=None, limit=None):
    """Record each authorization that ended by itself since the last sweep (at most `limit`).

    1. Find the authorizations that are not revoked, not valid and not yet recorded.
    2. For each, under the patient's row lock (as revocation takes it), record a Lapse with its reason.
    3. When it was the patient's latest and they hold no other valid authorization, announce it
       (authorization_lapsed: matching withdraws the matches with that reason); the patient is to be told.
       An older signature that ended quietly is recorded and nothing more.

    Returns (how many were recorded, the ids of the committed lapses whose patient is to be e-mailed how to sign
    again). Staff views never wait for this: they check validity as they read.
    """
    now = now or timezone.now()
    ended = (
        Authorization.objects.filter(revocation__isnull=True, lapse__isnull=True)
        .exclude(pk__in=Authorization.objects.valid(now).values("pk"))
        .order_by("patient_id", "signed_at", "pk").values_list("pk", flat=True)
    )
    recorded, to_tell = 0, []
    for authorization_id in list(ended[:limit] if limit else ended):
        with transaction.atomic():
            authorization = Authorization.objects.select_related("text", "patient").get(pk=authorization_id)
            patient = Patient.objects.select_for_update().get(pk=authorization.patient_id)
            reason = authorization.ended_because(now)
            if reason in (None, "revoked") or Lapse.objects.filter(authorization=authorization).exists():
                continue  # signed again, revoked or recorded by another sweep while this one ran
            lapse = Lapse.objects.create(authorization=authorization, reason=reason, noticed_at=now)
            recorded += 1
            latest = patient.authorizations.order_by("-signed_at", "-pk").values_list("pk", flat=True).first()
            if latest == authorization.pk and patient.erased_at is None and current_authorization(patient) is None:
                authorization_lapsed.send(sender=Authorization, patient_id=patient.pk, reason=reason)
                to_tell.append(lapse.pk)
        log.info("authorization lapsed patient=%s authorization=%s reason=%s", authorization.patient_id,
                 authorization_id, reason)
    return recorded, to_tell


def replace_status_links(*, email, birth_date):
    """Replace the private link of each patient with this e-mail address and birthday; return their ids, for
    the new links to be e-mailed. The person asking must not learn whether such a patient exists."""
    replaced = []
    patients = Patient.objects.active().filter(email__iexact=email.strip(), birth_date=birth_date)
    for patient in patients.order_by("pk"):
        patient.rotate_status_link()
        replaced.append(patient.pk)
        log.info("status link replaced patient=%s", patient.pk)
    return replaced


def log_access(*, user, patient, action, reason="", path=""):
    return AccessLog.objects.create(user=user, patient=patient, action=action[:100], reason=reason[:300],
                                    path=path[:300])


@transaction.atomic
def publish_authorization_text(*, text):
    """Publish a draft: its SHA-256 is fixed now, and the model refuses any later change."""
    text = AuthorizationText.objects.select_for_update().get(pk=text.pk)
    if text.status != AuthorizationText.Status.DRAFT:
        raise ConsentError(_("Only a draft can be published."))
    text.status = AuthorizationText.Status.PUBLISHED
    text.published_at = timezone.now()
    text.save()
    log.info("authorization text published version=%s", text.version)
    return text


def draft_new_version(*, source):
    """A new draft copied from `source`, numbered after the highest version, for an admin to edit."""
    with transaction.atomic():
        latest = AuthorizationText.objects.select_for_update().order_by("-version").first()
        return AuthorizationText.objects.create(
            version=(latest.version if latest else 0) + 1,
            status=AuthorizationText.Status.DRAFT,
            title_en=source.title_en, title_es=source.title_es, body_en=source.body_en, body_es=source.body_es,
            valid_for_days=source.valid_for_days, requires_reconsent=source.requires_reconsent,
        )


# Rows reachable from a patient, followed this many reverse foreign keys deep (patient → match → event).
EXPORT_DEPTH = 2


def _related_rows(obj, depth):
    """Every row pointing at obj through a reverse relation, recursively; found through the model
    registry so a new app that stores something about patients is exported without changes here."""
    rows = []
    if depth == 0:
        return rows
    for relation in obj._meta.related_objects:
        accessor = relation.get_accessor_name()
        if relation.one_to_one:
            related = getattr(obj, accessor, None) if hasattr(obj, accessor) else None
            children = [related] if related is not None else []
        elif relation.one_to_many:
            children = list(getattr(obj, accessor).all())
        else:
            continue
        for child in children:
            rows.append(child)
            rows += _related_rows(child, depth - 1)
    return rows


def export_patient_data(*, patient, user, reason="request from the patient", path=""):
    """Everything TrialBridge holds about a patient, as JSON-safe data. The export is logged."""
    log_access(user=user, patient=patient, action="export all data", reason=reason, path=path)
    rows = [patient] + _related_rows(patient, EXPORT_DEPTH)
    data = serializers.serialize("python", rows)
    for row, obj in zip(data, rows, strict=False):
        if isinstance(obj, Authorization):
            row["verified"] = obj.verify()
    return {"reference": patient.reference, "exported_at": timezone.now().isoformat(), "records": data}


def _blank_signer_network_details(patient):
    """Inside the erasure's transaction: name the patient to PostgreSQL's append-only triggers, which then let
    exactly this change through, for this patient's rows, until the transaction ends."""
    if connection.vendor == "postgresql":  # the triggers exist there only; elsewhere the models guard alone
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('trialbridge.erasure_patient_id', %s, true)", [str(patient.pk)])
    Authorization.objects.filter(patient=patient).update(ip_address=None, user_agent="")
    Revocation.objects.filter(authorization__patient=patient).update(ip_address=None, user_agent="")


@transaction.atomic
def erase_patient(*, patient, by, now=None):
    """Erase a patient's intake at their request; keep what must be kept.

    The name, contact details and health answers are blanked (the birth date is cut to the year,
    since the column cannot be empty); any open authorization is revoked first, which withdraws
    the matches. The signed authorizations and revocations stay, as signed (verify() still holds),
    less the signer's network details (address, browser), which prove nothing about what was signed;
    the access log stays as it is. This is the one change PostgreSQL's append-only triggers let
    through (consent/migrations/0006_append_only_triggers.py), and it is logged.
    """
    now = now or timezone.now()
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.erased_at is not None:
        return locked
    if locked.authorizations.filter(revocation__isnull=True).exists():
        revoke_authorization(patient=locked, method="erasure request", now=now)
    locked.full_name = ""
    locked.email = ""
    locked.phone = ""
    locked.answers = {}
    locked.postal_code = ""
    locked.latitude = locked.longitude = None
    locked.travel_radius_km = None
    locked.condition_code = ""
    locked.birth_date = date(locked.birth_date.year, 1, 1)
    locked.urgent = False
    locked.erased_at = now
    locked.save()
    _blank_signer_network_details(locked)
    log_access(user=by, patient=locked, action="erase intake",
               reason="request from the patient; signer's network details blanked")
    patient_erased.send(sender=Patient, patient_id=locked.pk)
    log.info("patient erased patient=%s", locked.pk)
    return locked
