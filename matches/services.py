"""Matching runs and the coordinators' writes: the only code that writes Match and MatchEvent."""

import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from consent.models import Authorization
from intake.models import Patient
from trials.eligibility import ENGINE_VERSION, evaluate
from trials.models import Trial
from trials.vocabulary import load_vocabulary

from .models import Match, MatchEvent, Status, Trigger, Verdict

log = logging.getLogger(__name__)

# Fields a re-match refreshes; status and its history are the coordinators' and never touched here.
ENGINE_FIELDS = ["verdict", "score", "reasons", "questions", "nearest_site", "nearest_site_km", "engine_version",
                 "evaluated_at", "urgent"]


@dataclass
class RunResult:
    evaluated: int = 0
    created: int = 0
    updated: int = 0
    skipped_reason: str = ""


def consented_patients(now=None):
    return Patient.objects.active().filter(
        pk__in=Authorization.objects.valid(now).values("patient_id")
    )


def _evaluate(trial, patient, profile, today):
    sites = list(trial.sites.all())
    located = trial.site_locations(sites)
    verdict = evaluate(trial.rule(sites=sites), profile, today=today, sites=located)
    nearest = None
    if verdict.nearest_site_index is not None:
        nearest_pk = located[verdict.nearest_site_index].label
        nearest = next(site for site in sites if site.pk == nearest_pk)
    return Match(
        patient=patient,
        trial=trial,
        verdict=verdict.outcome,
        score=verdict.score,
        reasons=verdict.to_dict()["reasons"],
        questions=list(verdict.questions),
        nearest_site=nearest,
        nearest_site_km=verdict.nearest_site_km,
        engine_version=ENGINE_VERSION,
        evaluated_at=timezone.now(),
        urgent=patient.urgent,
    )


def _upsert(fresh, existing, trigger):
    """Write fresh engine results: create new candidates, refresh old rows, keep every coordinator status.

    A trial the engine now rules out keeps its row, marked not eligible, so its history stays.
    A patient who signs again after revoking gets their withdrawn matches back as new.
    """
    result = RunResult(evaluated=len(fresh))
    to_create, to_update, events = [], [], []
    for match in fresh:
        old = existing.get((match.patient_id, match.trial_id))
        if old is None:
            if match.verdict == Verdict.NOT_ELIGIBLE:
                continue
            match.trigger = trigger
            to_create.append(match)
            continue
        changed = any(getattr(old, f) != getattr(match, f) for f in ENGINE_FIELDS if f != "evaluated_at")
        for field in ENGINE_FIELDS:
            setattr(old, field, getattr(match, field))
        if old.status == Status.WITHDRAWN:
            old.status, old.status_changed_at, old.trigger = Status.NEW, timezone.now(), trigger
            events.append(MatchEvent(match=old, kind=MatchEvent.Kind.SYSTEM, from_status=Status.WITHDRAWN,
                                     to_status=Status.NEW, note="Authorization signed again."))
            changed = True
        if changed:
            old.trigger = trigger
            to_update.append(old)
    Match.objects.bulk_create(to_create)
    Match.objects.bulk_update(to_update, ENGINE_FIELDS + ["status", "status_changed_at", "trigger"])
    wanted = {(m.patient_id, m.trial_id) for m in to_create}
    if wanted:
        # bulk_create sets no primary keys on SQLite before 3.35 and on some backends; read them back.
        created = Match.objects.filter(
            patient_id__in={key[0] for key in wanted}, trial_id__in={key[1] for key in wanted}
        )
        events += [
            MatchEvent(match=m, kind=MatchEvent.Kind.CREATED, to_status=m.status, note=str(Trigger(trigger).label))
            for m in created
            if (m.patient_id, m.trial_id) in wanted
        ]
    MatchEvent.objects.bulk_create(events)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def match_patient(patient_id, *, trigger=Trigger.NEW_INTAKE, today=None):
    """Match one consented patient against every trial they could fit.

    1. Re-read the patient by id; stop if they have no valid authorization.
    2. Narrow in the database: recruiting trials listing the patient's condition or an ancestor,
       whose age window and sex admit them; add the trials they already have a match with, so a
       trial that stopped fitting is marked, not forgotten.
    3. Evaluate every candidate with the engine (no database work in the loop).
    4. Lock the patient row, check the authorization again (it may have been revoked meanwhile),
       and upsert one Match per trial.
    """
    today = today or timezone.localdate()
    patient = Patient.objects.active().filter(pk=patient_id).first()
    if patient is None or not consented_patients().filter(pk=patient_id).exists():
        return RunResult(skipped_reason="no valid authorization")
    vocabulary = load_vocabulary()
    codes = sorted(vocabulary.ancestors(patient.condition_code))
    candidates = Trial.objects.candidates_for(
        condition_codes=codes, age_years=patient.age_on(today), sex=patient.sex
    )
    already = Match.objects.filter(patient=patient).values("trial_id")
    trials = Trial.objects.filter(Q(pk__in=candidates.values("pk")) | Q(pk__in=already)).prefetch_related("sites")
    profile = patient.profile()
    fresh = [_evaluate(trial, patient, profile, today) for trial in trials]

    with transaction.atomic():
        locked = Patient.objects.select_for_update().get(pk=patient_id)
        if not consented_patients().filter(pk=patient_id).exists():
            return RunResult(skipped_reason="authorization revoked during the run")
        existing = {(m.patient_id, m.trial_id): m for m in Match.objects.filter(patient=patient)}
        result = _upsert(fresh, existing, trigger)
        locked.matched_at = timezone.now()
        locked.save(update_fields=["matched_at"])
    log.info("matched patient=%s evaluated=%s created=%s updated=%s", patient_id, result.evaluated,
             result.created, result.updated)
    return result


def _birth_date_window(trial, today):
    """Birth dates that put a patient inside the trial's age window today (whole years)."""
    window = Q()
    if trial.max_age_years is not None:
        oldest = int(trial.max_age_years) + 1
        window &= Q(birth_date__gt=_years_before(today, oldest))
    if trial.min_age_years is not None:
        window &= Q(birth_date__lte=_years_before(today, int(trial.min_age_years)))
    return window


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 3, 1)


def match_trial(trial_id, *, trigger=Trigger.TRIAL_CHANGED, today=None, chunk_size=None):
    """Match one trial against every consented patient, in chunks, keeping memory bounded.

    Patients are streamed by primary key, chunk_size at a time; each chunk is evaluated, then
    written in its own transaction after locking those patients' rows and re-checking consent.
    """
    today = today or timezone.localdate()
    chunk_size = chunk_size or settings.MATCH_CHUNK_SIZE
    trial = Trial.objects.filter(pk=trial_id).prefetch_related("sites").first()
    if trial is None:
        return RunResult(skipped_reason="no such trial")
    vocabulary = load_vocabulary()
    codes = set()
    for code in trial.condition_codes or []:
        codes |= set(vocabulary.descendants(code))
    already = Match.objects.filter(trial=trial).values("patient_id")
    if trial.overall_status == Trial.Status.RECRUITING and codes:
        wanted = Q(condition_code__in=sorted(codes)) & _birth_date_window(trial, today)
        if trial.sex != Trial.Sex.ALL:
            wanted &= Q(sex=trial.sex.lower())
        wanted |= Q(pk__in=already)
    else:
        wanted = Q(pk__in=already)  # not recruiting: only refresh what exists
    patients = consented_patients().filter(wanted).order_by("pk")
    total = RunResult()
    last_pk = 0
    while True:
        chunk = list(patients.filter(pk__gt=last_pk)[:chunk_size])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        fresh = {p.pk: _evaluate(trial, p, p.profile(), today) for p in chunk}
        with transaction.atomic():
            still_consented = set(
                consented_patients().filter(pk__in=list(fresh)).values_list("pk", flat=True)
            )
            list(Patient.objects.select_for_update().filter(pk__in=sorted(still_consented)).values_list("pk"))
            existing = {
                (m.patient_id, m.trial_id): m
                for m in Match.objects.filter(trial=trial, patient_id__in=still_consented)
            }
            result = _upsert([fresh[pk] for pk in sorted(still_consented)], existing, trigger)
        total.evaluated += result.evaluated
        total.created += result.created
        total.updated += result.updated
    Trial.objects.filter(pk=trial.pk).update(matched_at=timezone.now())
    log.info("matched trial=%s evaluated=%s created=%s updated=%s", trial_id, total.evaluated, total.created,
             total.updated)
    return total


def withdraw_patient_matches(patient_id):
    """Take every match of a patient out of the queues, with an event each. Runs inside the revocation."""
    matches = list(Match.objects.filter(patient_id=patient_id).exclude(status=Status.WITHDRAWN))
    now = timezone.now()
    events = [
        MatchEvent(match=m, kind=MatchEvent.Kind.SYSTEM, from_status=m.status, to_status=Status.WITHDRAWN,
                   note="The patient revoked their authorization.", at=now)
        for m in matches
    ]
    Match.objects.filter(pk__in=[m.pk for m in matches]).update(status=Status.WITHDRAWN, status_changed_at=now)
    MatchEvent.objects.bulk_create(events)
    log.info("withdrew matches patient=%s count=%s", patient_id, len(matches))
    return len(matches)


def change_status(*, match, status, by, note=""):
    return match.move_to(status, by=by, note=note)


def add_note(*, match, by, note):
    return MatchEvent.objects.create(match=match, actor=by, kind=MatchEvent.Kind.NOTE, note=note)


def stale_patient_ids(*, include_aged=False, today=None):
    """Consented patients whose matches are out of date.

    Never matched, answers changed since the last match, matched by an older engine, or (once a
    day) having a birthday today, which can move them across an age bound.
    """
    today = today or timezone.localdate()
    patients = consented_patients()
    stale = (
        Q(matched_at__isnull=True)
        | Q(matched_at__lt=models.F("answers_changed_at"))
        | Q(matches__engine_version__lt=ENGINE_VERSION)
        | Q(matches__engine_version__gt=ENGINE_VERSION)
    )
    if include_aged:
        stale |= Q(birth_date__month=today.month, birth_date__day=today.day)
    return list(patients.filter(stale).values_list("pk", flat=True).distinct())


def stale_trial_ids():
    """Trials whose matching inputs changed after their last trial-wide match."""
    return list(
        Trial.objects.filter(Q(matched_at__isnull=True) | Q(matched_at__lt=models.F("criteria_changed_at")))
        .values_list("pk", flat=True)
    )
