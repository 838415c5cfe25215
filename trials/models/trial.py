"""A trial: what the registry says, what an admin curated, its review state and its freshness."""

import re
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..eligibility import SiteLocation, trial_rule, validate_criteria
from ..vocabulary import load_vocabulary
from .review import ItemReview, item_key, registry_text

# A registry's "recruiting" is trusted for this long after it was last verified (or an admin confirmed it).
STATUS_FRESH_DAYS = 365


def status_fresh_since(today: date | None = None) -> date:
    """The oldest verification date that still confirms a status on `today`."""
    return (today or timezone.localdate()) - timedelta(days=STATUS_FRESH_DAYS)


class TrialQuerySet(models.QuerySet):
    def recruiting(self, today=None):
        """Recruiting as the registry says, verified (or confirmed by an admin) within the last 12 months."""
        return self.filter(overall_status=Trial.Status.RECRUITING, status_checked_on__gte=status_fresh_since(today))

    def recruiting_not_confirmed(self, today=None):
        """Recruiting as the registry says, but nobody has verified it within the last 12 months."""
        return self.filter(overall_status=Trial.Status.RECRUITING).exclude(
            status_checked_on__gte=status_fresh_since(today))

    def unconfirmed_since_matched(self, today=None):
        """Recruiting trials whose status went unconfirmed after their last trial-wide match: matched while the
        verification was under 12 months old, which it no longer is. Nothing else changes about them."""
        fresh_until = models.ExpressionWrapper(models.F("status_checked_on") + timedelta(days=STATUS_FRESH_DAYS),
                                               output_field=models.DateField())
        return self.recruiting_not_confirmed(today).filter(matched_at__date__lte=fresh_until)

    def for_user(self, user):
        if user.is_superuser:
            return self
        return self.filter(team__members=user)

    def unowned(self):
        """Trials no coordinator works: no team, or a team nobody active is on."""
        return self.exclude(team__members__is_active=True)

    def routable(self):
        """Trials routing rules may give a team: unowned ones and those a rule gave; adopted ones keep theirs."""
        return self.filter(Q(team__isnull=True) | Q(team_routed=True))

    def candidates_for(self, *, condition_codes, age_years, sex):
        """Narrow in the database to the recruiting trials a patient could possibly fit.

        condition_codes must already include the patient's codes' ancestors: a trial listing
        onc:LUNG is a candidate for a patient with onc:LUAD. The codes are matched through TrialCondition's
        index, the same way on every database.
        """
        qs = self.recruiting().filter(
            pk__in=TrialCondition.objects.filter(code__in=condition_codes).values("trial_id"))
        if age_years is not None:
            qs = qs.filter(Q(min_age_years__isnull=True) | Q(min_age_years__lte=age_years + 1))
            qs = qs.filter(Q(max_age_years__isnull=True) | Q(max_age_years__gte=age_years))
        if sex in ("female", "male"):
            qs = qs.filter(sex__in=[Trial.Sex.ALL, sex.upper()])
        return qs


class Trial(models.Model):
    class Status(models.TextChoices):
        RECRUITING = "RECRUITING", _("Recruiting")
        NOT_YET_RECRUITING = "NOT_YET_RECRUITING", _("Not yet recruiting")
        ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", _("Enrolling by invitation")
        ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", _("Active, not recruiting")
        SUSPENDED = "SUSPENDED", _("Suspended")
        TERMINATED = "TERMINATED", _("Terminated")
        COMPLETED = "COMPLETED", _("Completed")
        WITHDRAWN = "WITHDRAWN", _("Withdrawn")
        UNKNOWN = "UNKNOWN", _("Unknown")
        # Expanded-access records from ClinicalTrials.gov: nothing to recruit into, kept as the registry says.
        AVAILABLE = "AVAILABLE", _("Available (expanded access)")
        NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", _("No longer available")
        TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", _("Temporarily not available")
        APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", _("Approved for marketing")
        WITHHELD = "WITHHELD", _("Withheld")

    class Sex(models.TextChoices):
        ALL = "ALL", _("All")
        FEMALE = "FEMALE", _("Female")
        MALE = "MALE", _("Male")

    class Source(models.TextChoices):
        DEMO = "demo", _("Demo data")
        CTGOV = "ctgov", _("ClinicalTrials.gov")
        MANUAL = "manual", _("Entered by hand")

    ref = models.CharField(
        "registry id", max_length=40, unique=True, help_text="NCT number, or TB-… for trials entered here."
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    title = models.TextField()
    title_es = models.TextField(blank=True)
    brief_summary = models.TextField(blank=True)
    brief_summary_es = models.TextField(blank=True)
    # Curated, never written by an import: a summary an admin wrote for patients, shown instead of the registry's.
    plain_summary = models.TextField(
        "plain-language summary (English)", blank=True,
        help_text="Written for patients; shown instead of the registry's summary. Never changed by an import.")
    plain_summary_es = models.TextField(
        "plain-language summary (Spanish)", blank=True,
        help_text="Escrito para pacientes, en español; shown on Spanish pages. Never changed by an import.")
    sponsor = models.CharField(max_length=300, blank=True)
    overall_status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECRUITING, db_index=True)
    phases = models.JSONField(default=list, blank=True)
    conditions = models.JSONField("conditions as listed", default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    condition_codes = models.JSONField(
        default=list, blank=True,
        help_text="Vocabulary codes, e.g. onc:NSCLC. For a registry trial: the curated codes when set, else the "
                  "registry's mapped codes.",
    )
    # Registry trials: what the importer mapped from the registry's conditions (rewritten by every import), and
    # an admin's override (never touched by an import). condition_codes is whichever wins, for matching.
    registry_condition_codes = models.JSONField(
        "codes mapped from the registry", default=list, blank=True, editable=False,
    )
    registry_condition_sources = models.JSONField(
        "what each mapped code came from", default=dict, blank=True, editable=False,
        help_text='{code: "condition: …" | "MeSH: …" | "MeSH ancestor: …" | "generic word, …"}; never a keyword.',
    )
    curated_condition_codes = models.JSONField(
        "curated condition codes", null=True, blank=True,
        help_text="Set to override the codes mapped from the registry; empty to follow the registry again.",
    )
    # What the registry said when an admin last curated this trial, to show where it now disagrees.
    curated_registry_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    unmapped_conditions = models.JSONField(default=list, blank=True)
    min_age_years = models.FloatField(null=True, blank=True)
    max_age_years = models.FloatField(null=True, blank=True)
    sex = models.CharField(max_length=6, choices=Sex.choices, default=Sex.ALL)
    healthy_volunteers = models.BooleanField(default=False)
    eligibility_text = models.TextField(blank=True)
    criteria = models.JSONField(
        null=True, blank=True, help_text="Curated rule tree in the criteria language, beyond age, sex and condition."
    )
    criteria_suggestions = models.JSONField(
        default=list, blank=True,
        help_text="Read out of the eligibility text by the importer; applied only when an admin accepts them.",
    )
    eligibility_items = models.JSONField(
        default=list, blank=True, help_text='The eligibility text split into items: {"section", "text", "understood"}.'
    )
    items_understood = models.PositiveIntegerField(default=0)
    items_not_understood = models.PositiveIntegerField(default=0)
    # Curated, never written by an import: an admin's decision on each free-text eligibility item, keyed by
    # item_key(section, text), so a re-import keeps decisions on unchanged items and a reworded item is pending again.
    item_reviews = models.JSONField(
        default=dict, blank=True, editable=False,
        help_text='{item key: {"state": "accepted" | "screening" | "not_criterion", "rules": [...], "by", "at"}}',
    )
    contacts = models.JSONField(default=list, blank=True)
    team = models.ForeignKey(
        "trials.TrialTeam", null=True, blank=True, on_delete=models.SET_NULL, related_name="trials",
        help_text="Choosing a team adopts the trial for it: routing rules then leave it alone. Empty lets the "
                  "teams' routing rules decide.")
    # True when a routing rule gave the team (rules may change it); False when an admin adopted it for a team.
    team_routed = models.BooleanField(default=False, editable=False)
    # How many free-text items there are and how many are pending, kept by trials.services with every change
    # to the trial's matching inputs, so matching reads two numbers rather than every item.
    review_total = models.PositiveIntegerField(default=0, editable=False)
    review_pending = models.PositiveIntegerField(default=0, editable=False)
    last_update_date = models.DateField("registry last update", null=True, blank=True)
    status_verified_date = models.DateField(
        "registry status verified", null=True, blank=True, help_text="When the sponsor last confirmed the status."
    )
    status_confirmed_at = models.DateTimeField("status confirmed by an admin at", null=True, blank=True)
    status_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="status confirmed by",
    )
    # The later of the registry's verification and an admin's confirmation: "recruiting" counts only while this
    # is within the last 12 months. Trials entered here start confirmed on the day they are entered.
    status_checked_on = models.DateField(null=True, blank=True, default=timezone.localdate, editable=False)
    record_version = models.CharField(max_length=40, blank=True)
    record_sha256 = models.CharField(max_length=64, blank=True)
    import_origin = models.CharField(
        max_length=500, blank=True, help_text="File (and archive member or line) the record was last imported from."
    )
    import_run = models.ForeignKey(
        "ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="trials", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Bumped whenever anything the engine reads changes; the sweep re-matches trials changed since their last match.
    criteria_changed_at = models.DateTimeField(default=timezone.now)
    matched_at = models.DateTimeField(null=True, blank=True)

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = ["ref"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age_years__isnull=True)
                | Q(max_age_years__isnull=True)
                | Q(min_age_years__lte=models.F("max_age_years")),
                name="trial_age_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.ref}: {self.title[:80]}"

    def clean(self):
        vocabulary = load_vocabulary()
        for name in ("condition_codes", "curated_condition_codes"):
            codes = getattr(self, name)
            if codes is None:
                continue
            if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
                raise ValidationError({name: _("Give a list of condition codes, e.g. [\"onc:NSCLC\"].")})
            unknown = [code for code in codes if vocabulary.condition(code) is None]
            if unknown:
                raise ValidationError({name: _("unknown condition code %(codes)s") % {"codes": ", ".join(unknown)}})
        if self.criteria:
            errors = validate_criteria(self.criteria)
            if errors:
                raise ValidationError({"criteria": errors})
        if self.min_age_years is not None and self.max_age_years is not None:
            if self.min_age_years > self.max_age_years:
                raise ValidationError({"max_age_years": _("The maximum age is below the minimum age.")})

    def reviewed_items(self):
        """[(index, item, state, review)] for the trial's free-text items; review is None while pending."""
        reviews = self.item_reviews or {}
        rows = []
        for index, item in enumerate(self.eligibility_items or []):
            review = reviews.get(item_key(item.get("section", ""), item.get("text", "")))
            rows.append((index, item, review["state"] if review else ItemReview.PENDING, review))
        return rows

    def review_counts(self):
        """{"total", "pending", "accepted", "screening", "not_criterion"} over the current free-text items."""
        counts = dict.fromkeys(("total", *ItemReview.values), 0)
        for _index, _item, state, _review in self.reviewed_items():
            counts["total"] += 1
            counts[state] += 1
        return counts

    @property
    def criteria_reviewed(self):
        """True when every free-text item is accounted for. A registry trial with no free text has nothing anyone
        reviewed, so it is not; a trial entered here is its curated criteria, nothing more."""
        counts = self.review_counts()
        if counts["pending"]:
            return False
        return counts["total"] > 0 or self.source != self.Source.CTGOV

    def refresh_review_counts(self):
        """Copy review_counts() into review_total and review_pending (what matching reads)."""
        counts = self.review_counts()
        self.review_total, self.review_pending = counts["total"], counts["pending"]

    def review_state(self):
        """(items reviewed, items in all) while the trial's criteria are not fully reviewed, else None.

        From the stored counts; as criteria_reviewed, a registry trial with no free text is not reviewed."""
        if not self.review_pending and (self.review_total or self.source != self.Source.CTGOV):
            return None
        return (self.review_total - self.review_pending, self.review_total)

    def screening_items(self):
        """The free-text items the study team checks at screening: a checklist, never a reason to exclude."""
        return [item for _index, item, state, _review in self.reviewed_items() if state == ItemReview.SCREENING]

    def registry_url(self):
        """The trial's public registry page, for ClinicalTrials.gov ids."""
        if re.fullmatch(r"NCT\d{8}", self.ref or ""):
            return f"https://clinicaltrials.gov/study/{self.ref}"
        return ""

    def apply_curated_codes(self):
        """Registry trials match on the curated codes when an admin set them, else on the registry's."""
        curated = self.curated_condition_codes
        self.condition_codes = list(curated if curated is not None else self.registry_condition_codes)

    def status_confirmed(self, today=None) -> bool:
        """False for a "recruiting" nobody has verified within the last 12 months."""
        if self.overall_status != self.Status.RECRUITING:
            return True
        return self.status_checked_on is not None and self.status_checked_on >= status_fresh_since(today)

    def is_recruiting(self, today=None) -> bool:
        """What Trial.objects.recruiting() says, for one trial in hand."""
        return self.overall_status == self.Status.RECRUITING and self.status_confirmed(today)

    def status_label(self, today=None):
        """The status as people read it: a stale "recruiting" says it is not confirmed."""
        if not self.status_confirmed(today):
            return _("Recruiting (status not confirmed)")
        return self.get_overall_status_display()

    def note_status_check(self, day):
        """Move status_checked_on forward to `day` (a verification or a confirmation); never backward."""
        if day is not None and (self.status_checked_on is None or day > self.status_checked_on):
            self.status_checked_on = day

    def registry_snapshot(self):
        """What the registry says about the parts an admin curates (conditions and eligibility)."""
        return {
            "conditions": list(self.conditions or []),
            "condition_codes": list(self.registry_condition_codes or []),
            "eligibility_text": self.eligibility_text,
        }

    def registry_disagreements(self):
        """Where the registry changed after an admin curated this trial: [(what, then, now)]."""
        then = self.curated_registry_snapshot or {}
        if not then:
            return []
        now = self.registry_snapshot()
        return [(key, then.get(key), now[key]) for key in now if key in then and then[key] != now[key]]

    def localized_title(self, language):
        return self.title_es if language == "es" and self.title_es else self.title

    def title_for(self, language):
        """(title, language it is written in): registry titles are English unless an admin translated them."""
        if language == "es" and self.title_es:
            return self.title_es, "es"
        return registry_text(self.title), "en"

    def localized_summary(self, language):
        return self.brief_summary_es if language == "es" and self.brief_summary_es else self.brief_summary

    def summary_for(self, language):
        """(summary, language it is written in, plain) for a patient's page.

        An admin's plain-language summary wins over the registry's; the page's language first, then a curated
        Spanish translation of the registry's summary, then English.
        """
        if language == "es":
            if self.plain_summary_es:
                return self.plain_summary_es, "es", True
            if self.brief_summary_es:
                return self.brief_summary_es, "es", False
        if self.plain_summary:
            return self.plain_summary, "en", True
        return registry_text(self.brief_summary), "en", False

    def rule(self, sites=None):
        """The whole rule tree the engine evaluates: structured fields plus curated criteria."""
        sites = list(self.sites.all()) if sites is None and self.pk else (sites or [])
        sexes = None if self.sex == self.Sex.ALL else [self.sex.lower()]
        return trial_rule(
            min_age_years=self.min_age_years,
            max_age_years=self.max_age_years,
            sexes=sexes,
            condition_codes=self.condition_codes or None,
            criteria=self.criteria or None,
            has_sites=bool(self.site_locations(sites)),
            review=self.review_state(),
        )

    def site_locations(self, sites=None):
        sites = self.sites.all() if sites is None else sites
        return [
            SiteLocation(
                latitude=site.latitude,
                longitude=site.longitude,
                recruiting=site.is_recruiting,
                label=site.pk,
            )
            for site in sites
            if site.latitude is not None and site.longitude is not None
        ]

    def sync_condition_index(self):
        """Keep TrialCondition (the indexed copy of condition_codes the narrowing query uses) in step."""
        wanted = set(self.condition_codes or [])
        have = set(self.conditions_index.values_list("code", flat=True))
        self.conditions_index.filter(code__in=have - wanted).delete()
        TrialCondition.objects.bulk_create([TrialCondition(trial=self, code=code) for code in wanted - have])


class TrialCondition(models.Model):
    """One row per (trial, vocabulary code): the narrowing query joins on an index, on SQLite and PostgreSQL."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="conditions_index")
    code = models.CharField(max_length=40, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trial", "code"], name="trial_condition_unique")]

    def __str__(self):
        return self.code
