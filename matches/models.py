from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Patient
from trials.models import Site, Trial


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    POSSIBLE = "possible", _("Possibly eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class Status(models.TextChoices):
    NEW = "new", _("New")
    REVIEWING = "reviewing", _("Reviewing")
    NEEDS_INFO = "needs_info", _("Needs information")
    ELIGIBLE = "eligible", _("Eligible after review")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible after review")
    CONTACTED = "contacted", _("Contacted")
    SCREENING = "screening", _("Screening")
    DECLINED = "declined", _("Declined")
    DEFERRED = "deferred", _("Deferred")
    ENROLLED = "enrolled", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn (consent revoked)")


# The coordinator workflow of DESIGN.md. "withdrawn" is set only by the system.
TRANSITIONS = {
    Status.NEW: [Status.REVIEWING],
    Status.REVIEWING: [Status.NEEDS_INFO, Status.ELIGIBLE, Status.NOT_ELIGIBLE],
    Status.NEEDS_INFO: [Status.REVIEWING, Status.ELIGIBLE, Status.NOT_ELIGIBLE],
    Status.ELIGIBLE: [Status.CONTACTED, Status.NOT_ELIGIBLE],
    Status.NOT_ELIGIBLE: [Status.REVIEWING],
    Status.CONTACTED: [Status.SCREENING, Status.DECLINED, Status.DEFERRED],
    Status.SCREENING: [Status.ENROLLED, Status.DECLINED, Status.NOT_ELIGIBLE],
    Status.DEFERRED: [Status.CONTACTED, Status.DECLINED],
    Status.DECLINED: [],
    Status.ENROLLED: [],
    Status.WITHDRAWN: [],
}

# What the patient reads on their status page for each coordinator status.
PATIENT_STATUS_TEXT = {
    Status.NEW: _("Waiting for a coordinator to review"),
    Status.REVIEWING: _("A coordinator is reviewing"),
    Status.NEEDS_INFO: _("The coordinator needs a little more information"),
    Status.ELIGIBLE: _("They will contact you"),
    Status.NOT_ELIGIBLE: _("Not a fit after review"),
    Status.CONTACTED: _("The study team has contacted you"),
    Status.SCREENING: _("You are in screening with the study team"),
    Status.DECLINED: _("Closed: you or the team decided not to go ahead"),
    Status.DEFERRED: _("On hold for now"),
    Status.ENROLLED: _("Enrolled"),
    Status.WITHDRAWN: _("Withdrawn: you revoked your authorization"),
}


class Trigger(models.TextChoices):
    NEW_INTAKE = "new_intake", _("New intake")
    ANSWERS_CHANGED = "answers_changed", _("Answers changed")
    TRIAL_CHANGED = "trial_changed", _("Trial changed")
    AGED_IN = "aged_in", _("Aged into an age bound")
    SWEEP = "sweep", _("Periodic sweep")


class MatchQuerySet(models.QuerySet):
    def for_user(self, user):
        if user.is_superuser:
            return self
        return self.filter(trial__team__members=user)

    def in_queue(self):
        """What a coordinator works: candidates the engine did not rule out, consent not revoked."""
        return self.exclude(verdict=Verdict.NOT_ELIGIBLE).exclude(status=Status.WITHDRAWN)


class Match(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="matches")
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="matches")
    verdict = models.CharField(max_length=14, choices=Verdict.choices, db_index=True)
    score = models.FloatField(default=0, db_index=True)
    reasons = models.JSONField(default=list)
    questions = models.JSONField(default=list)
    nearest_site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    nearest_site_km = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NEW, db_index=True)
    urgent = models.BooleanField(default=False, db_index=True)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.NEW_INTAKE)
    engine_version = models.CharField(max_length=20)
    first_matched_at = models.DateTimeField(default=timezone.now, db_index=True)
    evaluated_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "-score", "-first_matched_at"]
        constraints = [models.UniqueConstraint(fields=["patient", "trial"], name="one_match_per_patient_trial")]
        verbose_name_plural = "matches"

    def __str__(self):
        return f"{self.patient} × {self.trial.ref}"

    @property
    def nearest_site_miles(self):
        return None if self.nearest_site_km is None else self.nearest_site_km / 1.609344

    def allowed_transitions(self):
        return TRANSITIONS.get(self.status, [])

    def patient_status_text(self):
        return PATIENT_STATUS_TEXT[self.status]

    def move_to(self, status, *, by, note=""):
        """Change the coordinator status and record it, in one transaction."""
        if status not in self.allowed_transitions():
            raise ValueError(f"{self.status} → {status} is not an allowed transition")
        with transaction.atomic():
            previous = self.status
            self.status = status
            self.status_changed_at = timezone.now()
            self.save(update_fields=["status", "status_changed_at"])
            return MatchEvent.objects.create(
                match=self, actor=by, kind=MatchEvent.Kind.STATUS, from_status=previous, to_status=status, note=note
            )


class MatchEvent(models.Model):
    """Append-only history of a match: status changes, notes, contacts, and what the system did."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Matched")
        STATUS = "status", _("Status change")
        NOTE = "note", _("Note")
        CONTACT = "contact", _("Contact attempt")
        SYSTEM = "system", _("System")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.match_id} at {self.at:%Y-%m-%d %H:%M}"
