import zoneinfo

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from consent.models import Authorization
from intake.models import Patient
from trials.eligibility.evaluate import render_reason
from trials.models import Site, Trial

from .questions import question_label


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


# Statuses where nothing more is expected of the match: no days waiting, no new-information badge.
CLOSED_STATUSES = (Status.NOT_ELIGIBLE, Status.DECLINED, Status.ENROLLED, Status.WITHDRAWN)


def team_zone(team):
    """The time zone a team reads its times in; the site's for trials no team owns."""
    return zoneinfo.ZoneInfo(team.time_zone if team is not None else settings.TIME_ZONE)


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

    def consented(self, now=None):
        """Matches of patients whose authorization holds now: signed, not revoked, not expired, not superseded by
        a version requiring re-consent, not ended by a child turning 18.

        Checked as the query runs, so an authorization that ends between two sweeps hides the patient at once.
        """
        valid = Authorization.objects.valid(now).filter(patient_id=models.OuterRef("patient_id"))
        return self.filter(models.Exists(valid))

    def in_queue(self):
        """What a coordinator works: candidates the engine did not rule out, of patients whose consent holds."""
        return self.exclude(verdict=Verdict.NOT_ELIGIBLE).exclude(status=Status.WITHDRAWN).consented()

    def awaiting_digest(self):
        """New candidates a trial team has not been told about: eligible ones, and urgent ones whatever the verdict."""
        return (
            self.in_queue()
            .filter(status=Status.NEW, notified_at__isnull=True)
            .filter(models.Q(verdict=Verdict.ELIGIBLE) | models.Q(urgent=True))
        )

    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def with_last_contact(self):
        """Annotate when the patient was last contacted (or tried), and with what outcome, in the same query."""
        contacts = MatchEvent.objects.filter(match=models.OuterRef("pk"), kind=MatchEvent.Kind.CONTACT).order_by(
            "-at", "-pk")
        return self.annotate(
            last_contact_at=models.Subquery(contacts.values("at")[:1]),
            last_contact_outcome=models.Subquery(contacts.values("contact_outcome")[:1]),
        )

    def move_all_to(self, status, *, by, note=""):
        """Move every match here to `status`, all or none: one disallowed transition refuses the lot.

        Rows are locked first so a colleague's change in between cannot slip an illegal move through.
        """
        with transaction.atomic():
            matches = list(self.select_for_update().order_by("pk"))
            refused = [m for m in matches if status not in m.allowed_transitions()]
            if refused:
                raise ValueError(f"{len(refused)} of the selected matches cannot move to {status}")
            return [m.move_to(status, by=by, note=note) for m in matches]


class Match(models.Model):
    # No single-column indexes here: the unique (patient, trial) constraint serves patient lookups, the
    # (trial, status) index serves trial lookups and queue counts, and match_queue_order the queue's order.
    # Every index costs each of the thousands of rows one patient's first match can write.
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="matches", db_index=False)
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="matches", db_index=False)
    verdict = models.CharField(max_length=14, choices=Verdict.choices)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list)
    questions = models.JSONField(default=list)
    nearest_site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    nearest_site_km = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NEW)
    urgent = models.BooleanField(default=False)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.NEW_INTAKE)
    engine_version = models.CharField(max_length=20)
    first_matched_at = models.DateTimeField(default=timezone.now)
    evaluated_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    # The coordinator of the trial's team who works this match; None: nobody yet.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_matches", db_index=False)
    # The patient changed their answers since a coordinator last opened the match: it rises in the queue.
    new_information = models.BooleanField(default=False)
    # The follow-up question keys a coordinator asked the patient to answer when moving the match to needs_info.
    requested_questions = models.JSONField(default=list, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        # Urgent first (safety), then what the patient has just told us, then the best fits.
        ordering = ["-urgent", "-new_information", "-score", "-first_matched_at"]
        constraints = [models.UniqueConstraint(fields=["patient", "trial"], name="one_match_per_patient_trial")]
        # The queue's order: its first page is read off this index instead of sorting every match of the team.
        indexes = [
            models.Index(fields=["-urgent", "-new_information", "-score", "-first_matched_at"],
                         name="match_queue_order"),
            models.Index(fields=["trial", "status"], name="match_trial_status"),
            # "Mine": only owned rows are indexed, so a matching run's inserts (owner empty) pay nothing for it.
            models.Index(fields=["owner"], condition=models.Q(owner__isnull=False), name="match_owner"),
        ]
        verbose_name_plural = "matches"

    def __str__(self):
        return f"{self.patient} × {self.trial.ref}"

    @property
    def nearest_site_miles(self):
        return None if self.nearest_site_km is None else self.nearest_site_km / 1.609344

    def allowed_transitions(self):
        return TRANSITIONS.get(self.status, [])

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES

    @property
    def time_zone(self):
        return team_zone(self.trial.team)

    def days_waiting(self, now=None):
        """Whole days in the current status, counted in the team's time zone; None once the match is closed."""
        if not self.is_open:
            return None
        now = now or timezone.now()
        zone = self.time_zone
        return (timezone.localtime(now, zone).date() - timezone.localtime(self.status_changed_at, zone).date()).days

    def question_labels(self):
        """The open questions, worded in the active language."""
        return [question_label(key) for key in self.questions]

    def requested_question_labels(self):
        """What the coordinator asked the patient to answer, worded in the active language, while it is asked
        and still open (a question the patient has answered drops out once the match is re-evaluated)."""
        if self.status != Status.NEEDS_INFO:
            return []
        return [question_label(key) for key in self.requested_questions if key in self.questions]

    def reason_sentences(self):
        """The reasons as pages show them, in the active language: leaf, path, outcome, question, negated,
        and the `coordinator` and `patient` sentences.

        Matching stores reasons compactly (see Reason.to_compact) and they are worded here, through the
        project's catalog. Rows written before that hold the sentences in English and Spanish already; the
        active language's are passed through until the row's next re-match.
        """
        language = "es" if (translation.get_language() or "en").startswith("es") else "en"
        return [
            {**reason, "coordinator": reason["coordinator"][language], "patient": reason["patient"][language]}
            if "coordinator" in reason else render_reason(reason, translation)
            for reason in self.reasons
        ]

    def patient_status_text(self):
        return PATIENT_STATUS_TEXT[self.status]

    def log_contact(self, *, by, method, outcome, note="", at=None):
        """Record one attempt to reach the patient (append-only, like every other event)."""
        return MatchEvent.objects.create(
            match=self, actor=by, kind=MatchEvent.Kind.CONTACT, contact_method=method, contact_outcome=outcome,
            note=note, at=at or timezone.now(),
        )

    def move_to(self, status, *, by, note="", questions=()):
        """Change the coordinator status and record it, in one transaction.

        Moving to needs_info may name the follow-up questions the patient is asked to answer (keys of
        `self.questions`); leaving needs_info clears them.
        """
        if status not in self.allowed_transitions():
            raise ValueError(f"{self.status} → {status} is not an allowed transition")
        questions = list(questions) if status == Status.NEEDS_INFO else []
        unknown = [key for key in questions if key not in self.questions]
        if unknown:
            raise ValueError(f"not open questions of this match: {unknown}")
        with transaction.atomic():
            previous = self.status
            self.status = status
            self.status_changed_at = timezone.now()
            self.requested_questions = questions
            self.save(update_fields=["status", "status_changed_at", "requested_questions"])
            return MatchEvent.objects.create(
                match=self, actor=by, kind=MatchEvent.Kind.STATUS, from_status=previous, to_status=status, note=note,
                questions=questions,
            )

    def assign(self, owner, *, by):
        """Give the match to `owner` (None: nobody) and record it. The caller checks `owner` is on the team."""
        with transaction.atomic():
            self.owner = owner
            self.save(update_fields=["owner"])
            return MatchEvent.objects.create(match=self, actor=by, kind=MatchEvent.Kind.ASSIGNED, assignee=owner)

    def mark_seen(self):
        """A coordinator opened the match: the new-information badge goes, and the match takes its usual place."""
        if self.new_information:
            Match.objects.filter(pk=self.pk).update(new_information=False)
            self.new_information = False


class MatchEvent(models.Model):
    """Append-only history of a match: status changes, notes, contacts, and what the system did."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Matched")
        STATUS = "status", _("Status change")
        NOTE = "note", _("Note")
        CONTACT = "contact", _("Contact attempt")
        ASSIGNED = "assigned", _("Owner changed")
        ANSWERS = "answers", _("New information from the patient")
        SYSTEM = "system", _("System")

    class ContactMethod(models.TextChoices):
        PHONE = "phone", _("Phone call")
        TEXT = "text", _("Text message")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        LETTER = "letter", _("Letter")

    class ContactOutcome(models.TextChoices):
        REACHED = "reached", _("Reached the patient")
        LEFT_MESSAGE = "left_message", _("Left a message")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_contact", _("Wrong number or address")
        CALL_BACK = "call_back", _("Asked to be called back")
        NOT_INTERESTED = "not_interested", _("Not interested")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    contact_method = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    contact_outcome = models.CharField(max_length=15, choices=ContactOutcome.choices, blank=True)
    # On an "assigned" event: the new owner (None: the match was left to nobody).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # On a move to needs_info: the question keys the patient was asked to answer.
    questions = models.JSONField(default=list, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            # A contact attempt always says how and with what outcome; nothing else carries either.
            models.CheckConstraint(
                condition=(
                    models.Q(kind="contact") & ~models.Q(contact_method="") & ~models.Q(contact_outcome="")
                ) | (~models.Q(kind="contact") & models.Q(contact_method="", contact_outcome="")),
                name="contact_fields_only_on_contacts",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.match_id} at {self.at:%Y-%m-%d %H:%M}"

    def question_labels(self):
        return [question_label(key) for key in self.questions]


class TaskFailure(models.Model):
    """A background task that failed for good (retries exhausted), for the admins' dashboard.

    Written by a Celery task_failure handler. Holds the task's name, id, arguments (ids only, by the
    tasks' own rule) and the exception's class, never its message: messages can quote health data.
    """

    task_name = models.CharField(max_length=200, db_index=True)
    task_id = models.CharField(max_length=64, blank=True)
    args = models.JSONField(default=list, blank=True)
    exception_type = models.CharField(max_length=200)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task_name} failed at {self.failed_at:%Y-%m-%d %H:%M} ({self.exception_type})"


class TaskHeartbeat(models.Model):
    """When a periodic task last finished, one row per task: "last sweep" on the dashboard."""

    task_name = models.CharField(max_length=200, unique=True)
    last_success_at = models.DateTimeField()

    def __str__(self):
        return f"{self.task_name} last succeeded at {self.last_success_at:%Y-%m-%d %H:%M}"
