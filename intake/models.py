import secrets
import uuid
from datetime import date

from django.core import signing
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trials.eligibility import Profile

from .geo import zip_time_zone
from .phones import display_phone

STATUS_LINK_SALT = "intake.status-link"
# A patient who can travel anywhere: half the Earth's circumference, so every site is within reach.
NO_TRAVEL_LIMIT_KM = 20038


def new_reference():
    # Unambiguous letters and digits only: read over the phone without "is that an O or a 0?".
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"TB-{code[:4]}-{code[4:]}"


def age_on(birth_date, today):
    """Completed years on `today` (a birthday counts from its own day)."""
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


class PatientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(erased_at__isnull=True)

    def unsigned(self):
        """Patients nobody has signed an authorization for (consent's records point here as "authorizations")."""
        return self.filter(authorizations__isnull=True)

    def signed(self):
        """Patients who have signed an authorization (consent's records point here as "authorizations")."""
        return self.filter(authorizations__isnull=False).distinct()

    def from_status_token_or_404(self, token):
        """The patient a private status link belongs to, for every page under it; 404 for a bad or erased one."""
        patient = self.model.from_status_token(token)
        if patient is None:
            raise Http404
        return patient


class Patient(models.Model):
    """Who the patient is and what they told us. Health answers live in `answers`, never in URLs or logs."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=14, unique=True, default=new_reference, editable=False)
    language = models.CharField(max_length=5, default="en")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=6, choices=Sex.choices)
    postal_code = models.CharField(max_length=10)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    travel_radius_km = models.PositiveIntegerField(null=True, blank=True)
    condition_code = models.CharField(max_length=40, db_index=True)
    answers = models.JSONField(default=dict, blank=True)
    is_minor = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False, help_text="Answered PHQ-9 item 9 above 'not at all'.")
    # Set when the safety team was e-mailed about this urgent patient, so each is announced once.
    safety_notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answers_changed_at = models.DateTimeField(default=timezone.now)
    # Set by matching when a run for this patient finishes; the sweep compares it with answers_changed_at.
    matched_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set when the status-link email is sent, so a task run twice never mails twice.
    status_link_sent_at = models.DateTimeField(null=True, blank=True)
    # Part of the signed status link: moving it on (rotate_status_link) makes every earlier link stop opening.
    status_link_generation = models.PositiveIntegerField(default=0, editable=False)
    erased_at = models.DateTimeField(null=True, blank=True)
    # The intake's own key, made when its first page is shown: however often its last step is sent (a double
    # click, four reloads, a change made after going back), that intake makes this one patient.
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # A signed record with the same e-mail address and birthday when this one was submitted: perhaps the same
    # person twice (perhaps twins, or a parent's two children). Coordinators see it flagged; the person was
    # e-mailed the earlier record's link at that address (duplicate_notice_sent_at), never told on screen.
    possible_duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                              related_name="possible_duplicates")
    duplicate_notice_sent_at = models.DateTimeField(null=True, blank=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The same person registering twice is looked up by birthday (then e-mail) on every intake.
        indexes = [models.Index(fields=["birth_date"], name="patient_birth_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(travel_radius_km__isnull=True) | Q(travel_radius_km__lte=5000),
                name="patient_travel_radius_sane",
            ),
        ]

    def __str__(self):
        return self.reference

    def age_on(self, today=None):
        return age_on(self.birth_date, today or date.today())

    def possible_duplicates_shown(self):
        """The patient's other records with the same e-mail and birthday (either was flagged as a possible duplicate
        of the other), not erased: staff check before they contact the same person twice."""
        others = Patient.objects.active().filter(
            models.Q(pk=self.possible_duplicate_of_id) | models.Q(possible_duplicate_of=self)).exclude(pk=self.pk)
        return list(others.order_by("created_at"))

    def time_zone(self):
        """The patient's time zone ("America/Chicago"), from their ZIP code; None when it is unknown. For
        showing them times in their own zone (the signed copy, e-mails)."""
        return zip_time_zone(self.postal_code)

    @property
    def phone_for_people(self):
        """The phone number as people write it ("(713) 555-0143"); `phone` holds it in E.164."""
        return display_phone(self.phone)

    def has_signed(self):
        """True once an authorization was signed for this patient (consent's records point here); from then on
        their answers change from the status page only."""
        return self.authorizations.exists()

    def status_token(self):
        """The private status link's token: signed, and built on a random UUID, so unguessable.

        A plain Signer, not signing.dumps: the patient keeps one link until they ask for a new one, which moves
        status_link_generation on. Generation 0 signs the bare id, as every link did before links could be
        replaced, so links already e-mailed keep opening. Signatures made with a key in SECRET_KEY_FALLBACKS
        still verify, so rotating SECRET_KEY breaks no link.
        """
        value = str(self.public_id)
        if self.status_link_generation:
            value = f"{value}.{self.status_link_generation}"
        return signing.Signer(salt=STATUS_LINK_SALT).sign(value)

    @classmethod
    def from_status_token(cls, token):
        try:
            public_id, _, generation = signing.Signer(salt=STATUS_LINK_SALT).unsign(token).partition(".")
            public_id, generation = uuid.UUID(public_id), int(generation or 0)
        except (signing.BadSignature, ValueError):
            return None
        return cls.objects.active().filter(public_id=public_id, status_link_generation=generation).first()

    def rotate_status_link(self):
        """Replace the private link: the old one stops opening, and the new one is e-mailed once
        (status_link_sent_at is cleared for the task that sends it to claim)."""
        Patient.objects.filter(pk=self.pk).update(status_link_generation=models.F("status_link_generation") + 1,
                                                  status_link_sent_at=None)
        self.refresh_from_db(fields=["status_link_generation", "status_link_sent_at"])

    def profile(self):
        """The engine's view of this patient: plain data, every unknown left as None."""
        answers = self.answers or {}
        no_spread = "none" if answers.get("metastatic") is False else None  # so not to the brain either
        return Profile(
            birth_date=self.birth_date,
            sex=self.sex,
            condition_codes=[self.condition_code],
            latitude=self.latitude,
            longitude=self.longitude,
            postal_code=self.postal_code,
            # No radius stored means the patient answered "no limit", not "don't know".
            travel_radius_km=self.travel_radius_km or NO_TRAVEL_LIMIT_KM,
            stage=answers.get("stage"),
            metastatic=answers.get("metastatic"),
            ecog=answers.get("ecog"),
            biomarkers=answers.get("biomarkers"),
            prior_therapies=answers.get("prior_therapies"),
            prior_lines=answers.get("prior_lines"),
            medications=answers.get("medications"),
            antidepressant_trials=answers.get("antidepressant_trials"),
            phq9=answers.get("phq9"),
            gad7=answers.get("gad7"),
            suicidal_ideation=answers.get("suicidal_ideation"),
            pregnant=answers.get("pregnant"),
            disease_status=answers.get("disease_status"),
            brain_metastases=answers.get("brain_metastases") or no_spread,
            measurable_disease=answers.get("measurable_disease"),
            other_cancer=answers.get("other_cancer"),
            other_cancer_years_ago=answers.get("other_cancer_years_ago"),
            comorbidities=answers.get("comorbidities"),
            last_therapy_weeks=answers.get("last_therapy_weeks"),
            suicidal_behavior=answers.get("suicidal_behavior"),
            suicidal_behavior_months_ago=answers.get("suicidal_behavior_months_ago"),
        )
