"""Read-only questions about matching: who may be matched, and what is out of date."""

import calendar

from django.db import models
from django.db.models import Exists, Q
from django.utils import timezone

from consent.models import Authorization
from intake.models import Patient
from trials.eligibility import ENGINE_VERSION
from trials.models import Trial

from ..models import Match


def consented_patients(now=None):
    return Patient.objects.active().filter(
        pk__in=Authorization.objects.valid(now).values("patient_id")
    )


def stale_patients(*, include_aged=False, today=None):
    """Consented patients whose matches are out of date.

    Never matched, answers changed since the last match, any match written by another engine version,
    or (once a day) having a birthday today, which can move them across an age bound.
    """
    today = today or timezone.localdate()
    other_engine = Match.objects.filter(patient_id=models.OuterRef("pk")).exclude(engine_version=ENGINE_VERSION)
    stale = Q(matched_at__isnull=True) | Q(matched_at__lt=models.F("answers_changed_at")) | Exists(other_engine)
    if include_aged:
        stale |= Q(birth_date__month=today.month, birth_date__day=today.day)
        if today.month == 3 and today.day == 1 and not calendar.isleap(today.year):
            stale |= Q(birth_date__month=2, birth_date__day=29)  # their birthday counts from 1 March
    return consented_patients().filter(stale)


def stale_patient_ids(**options):
    return list(stale_patients(**options).order_by("pk").values_list("pk", flat=True))


def stale_trial_ids(today=None):
    """Trials whose matching inputs changed after their last trial-wide match, and those whose "recruiting" went
    unconfirmed since (verified over 12 months ago): a trial that merely ages changes nothing else, yet its
    matches must be marked, as the run marks those of a trial that is not recruiting."""
    changed = Trial.objects.filter(Q(matched_at__isnull=True) | Q(matched_at__lt=models.F("criteria_changed_at")))
    went_stale = Trial.objects.unconfirmed_since_matched(today or timezone.localdate())
    return sorted(set(changed.values_list("pk", flat=True)) | set(went_stale.values_list("pk", flat=True)))
