import hashlib
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Patient

from .elements import missing_elements

# A parent or guardian signs for a patient younger than this; their signature ends when the patient reaches it.
ADULT_AGE_YEARS = 18


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def majority_begins(birth_date):
    """The moment the patient turns 18: the start of their 18th birthday (29 February counts from 1 March)."""
    try:
        birthday = birth_date.replace(year=birth_date.year + ADULT_AGE_YEARS)
    except ValueError:
        birthday = date(birth_date.year + ADULT_AGE_YEARS, 3, 1)
    return timezone.make_aware(datetime.combine(birthday, time.min))


class AuthorizationTextQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=AuthorizationText.Status.PUBLISHED)

    def current(self):
        return self.published().order_by("-version").first()

    def reconsent_from(self):
        """The version every signature must be at or above: the newest one requiring re-consent, or None.

        Retired versions count too: retiring a re-consent version must not revive what it superseded.
        """
        return (
            self.exclude(status=AuthorizationText.Status.DRAFT).filter(requires_reconsent=True)
            .order_by("-version").values_list("version", flat=True).first()
        )


class AuthorizationText(models.Model):
    """A version of the records-release authorization, in English and Spanish.

    Immutable once published: the SHA-256 of both texts is fixed at publication, and a change
    means a new draft version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    version = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title_en = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200)
    body_en = models.TextField()
    body_es = models.TextField()
    valid_for_days = models.PositiveIntegerField(
        default=365 * 2, validators=[MinValueValidator(1)],
        help_text="The authorization expires this many days after signing (at least one).",
    )
    requires_reconsent = models.BooleanField(
        default=False, help_text="Patients who signed an earlier version stop being matched until they sign this one."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuthorizationTextQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            # Zero days would make every signature expire as it is made (and fail authorization_expires_later).
            models.CheckConstraint(
                condition=Q(valid_for_days__gte=1), name="authorization_text_valid_for_a_day_or_more",
                violation_error_message=_("An authorization must stay valid for at least one day."),
            ),
        ]

    def __str__(self):
        return f"Authorization v{self.version} ({self.get_status_display()})"

    def compute_sha256(self):
        return sha256_hex(f"{self.title_en}\n{self.body_en}\n\x1e\n{self.title_es}\n{self.body_es}")

    def title(self, language):
        return self.title_es if language == "es" else self.title_en

    def body(self, language):
        return self.body_es if language == "es" else self.body_en

    def snapshot(self, language):
        """Exactly what a signer reading this version in `language` is shown."""
        return f"{self.title(language)}\n\n{self.body(language)}"

    def missing_elements(self):
        """HIPAA elements (consent/elements.py) this text lacks, as [(language, Element)]."""
        return missing_elements({"en": self.snapshot("en"), "es": self.snapshot("es")})

    # What a signature depends on: none of it may change once the version is published.
    FROZEN_FIELDS = ["version", "title_en", "title_es", "body_en", "body_es", "valid_for_days", "requires_reconsent"]

    def clean(self):
        stored = AuthorizationText.objects.filter(pk=self.pk).first() if self.pk else None
        if stored and stored.status != self.Status.DRAFT:
            if any(getattr(stored, f) != getattr(self, f) for f in self.FROZEN_FIELDS):
                raise ValidationError(_("A published authorization text cannot change; make a new version."))
            if self.status == self.Status.DRAFT:
                raise ValidationError(_("A published authorization text cannot go back to draft."))
            if stored.status == self.Status.RETIRED and self.status != self.Status.RETIRED:
                raise ValidationError(_("A retired authorization text stays retired; make a new version."))
        publishing = self.status == self.Status.PUBLISHED and (stored is None or stored.status == self.Status.DRAFT)
        if publishing:
            missing = self.missing_elements()
            if missing:
                raise ValidationError(_("It cannot be published: missing %(elements)s.") % {
                    "elements": "; ".join(f"{element.label} ({language})" for language, element in missing)
                })

    def save(self, *args, **kwargs):
        self.clean()
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
        if self.status != self.Status.DRAFT:
            self.sha256 = self.compute_sha256()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != self.Status.DRAFT:
            raise ValidationError(_("A published authorization text is kept for good."))
        return super().delete(*args, **kwargs)


class AuthorizationQuerySet(models.QuerySet):
    def valid(self, now=None):
        """Signed, not revoked, not expired, and not superseded by a version that requires re-consent."""
        now = now or timezone.now()
        # NOT EXISTS rather than revocation__isnull's LEFT JOIN: PostgreSQL estimates it well, so a query that asks
        # "is this patient's consent valid?" row by row (the coordinator queue) keeps walking its own index.
        revoked = Revocation.objects.filter(authorization_id=models.OuterRef("pk"))
        qs = self.filter(~models.Exists(revoked), expires_at__gt=now)
        reconsent_from = AuthorizationText.objects.reconsent_from()
        if reconsent_from is not None:
            qs = qs.filter(text__version__gte=reconsent_from)
        return qs


class Authorization(models.Model):
    """A signed authorization. Append-only: once saved it is never updated; revocation is its own row."""

    class Relationship(models.TextChoices):
        SELF = "self", _("The patient")
        PARENT = "parent", _("Parent")
        GUARDIAN = "guardian", _("Legal guardian")
        REPRESENTATIVE = "representative", _("Other legal representative")

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="authorizations")
    text = models.ForeignKey(AuthorizationText, on_delete=models.PROTECT, related_name="authorizations")
    language = models.CharField(max_length=5)
    signed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    signature_meaning = models.CharField(max_length=300)
    signer_relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.SELF)
    representative_authority = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    snapshot = models.TextField(help_text="Exactly what the signer was shown.")
    snapshot_sha256 = models.CharField(max_length=64)
    signature_sha256 = models.CharField(max_length=64, help_text="Binds signer, time, patient and snapshot.")
    expires_at = models.DateTimeField()
    # The patient's authorization signed before this one (none for their first). Unique, like the one first
    # authorization per patient: two signings racing from the same state (a double click, four reloads) cannot
    # both be written, whatever the database's isolation level.
    previous = models.OneToOneField("self", null=True, blank=True, editable=False, on_delete=models.PROTECT,
                                    related_name="next_signature")

    objects = AuthorizationQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_at"]
        # A patient's latest authorization (the next signature's `previous`): without it PostgreSQL walks the
        # primary key backwards through everyone's signatures to find a new patient has none.
        indexes = [models.Index(fields=["patient", "id"], name="authorization_patient_latest")]
        constraints = [
            models.UniqueConstraint(fields=["patient"], condition=Q(previous__isnull=True),
                                    name="one_first_authorization_per_patient"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("signed_at")), name="authorization_expires_later"
            ),
            models.CheckConstraint(
                condition=Q(signer_relationship="self") | ~Q(representative_authority=""),
                name="representative_states_authority",
            ),
        ]

    def __str__(self):
        return f"Authorization of {self.patient} ({self.signed_at:%Y-%m-%d})"

    def signature_payload(self):
        return "|".join(
            [
                str(self.patient.public_id),
                self.signed_name,
                self.signed_at.isoformat(),
                self.signer_relationship,
                self.representative_authority,
                self.signature_meaning,
                self.language,
                self.expires_at.isoformat(),
                self.snapshot_sha256,
                str(self.text.version),
                self.text.sha256,
            ]
        )

    def seal(self):
        self.snapshot_sha256 = sha256_hex(self.snapshot)
        self.signature_sha256 = sha256_hex(self.signature_payload())

    def verify(self):
        """True when the record is as it was signed.

        The snapshot must hash to its stored hash and still be the published text of its version
        (texts never change once published), and the signature hash must bind the same signer,
        time, patient and snapshot.
        """
        return (
            sha256_hex(self.snapshot) == self.snapshot_sha256
            and self.snapshot == self.text.snapshot(self.language)
            and self.text.compute_sha256() == self.text.sha256
            and sha256_hex(self.signature_payload()) == self.signature_sha256
        )

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("A signed authorization cannot be changed."))
        if not self.expires_at:
            self.expires_at = self.signed_at + timedelta(days=self.text.valid_for_days)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A signed authorization is kept for good."))

    @property
    def is_revoked(self):
        return hasattr(self, "revocation")

    def is_valid(self, now=None):
        return Authorization.objects.valid(now).filter(pk=self.pk).exists()

    @property
    def ends_at_majority(self):
        """Signed for a minor by a representative: it ends on the patient's 18th birthday, before its term."""
        return (self.signer_relationship != self.Relationship.SELF
                and self.expires_at < self.signed_at + timedelta(days=self.text.valid_for_days))

    def ended_because(self, now=None):
        """Why this authorization no longer holds: "revoked", a Lapse.Reason, or None while it holds."""
        now = now or timezone.now()
        if self.is_revoked:
            return "revoked"
        reconsent_from = AuthorizationText.objects.reconsent_from()
        if reconsent_from is not None and self.text.version < reconsent_from:
            return Lapse.Reason.SUPERSEDED
        if self.expires_at <= now:
            return Lapse.Reason.CAME_OF_AGE if self.ends_at_majority else Lapse.Reason.EXPIRED
        return None


class Revocation(models.Model):
    """The patient's written revocation. Kept beside the authorization it ends; never changed."""

    authorization = models.OneToOneField(Authorization, on_delete=models.PROTECT, related_name="revocation")
    revoked_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=100, default="status page")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f"Revocation of {self.authorization}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("A revocation cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A revocation is kept for good."))


class Lapse(models.Model):
    """An authorization that ended by itself, as the sweep found it (consent.services.record_lapses).

    Staff views stop showing the patient the moment an authorization ends (they check validity as they read);
    this row records that it was noticed, once, so the matches are marked and the patient told only once.
    """

    class Reason(models.TextChoices):
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Replaced by a version that must be signed again")
        CAME_OF_AGE = "came_of_age", _("The patient turned 18")

    authorization = models.OneToOneField(Authorization, on_delete=models.PROTECT, related_name="lapse")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    noticed_at = models.DateTimeField(default=timezone.now)
    # Set when the patient is e-mailed about it, by a conditional update: a task run twice mails once.
    patient_told_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.authorization} ended: {self.get_reason_display()}"


class AccessLog(models.Model):
    """One row per look at a patient's details by staff. Append-only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="access_log")
    action = models.CharField(max_length=100)
    reason = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.action} {self.patient} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError(_("The access log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The access log cannot be changed."))
