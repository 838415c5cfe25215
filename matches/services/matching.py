"""Matching runs: the engine over candidates, and the upsert of its results into Match and MatchEvent."""

import logging
import math
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from intake.models import Patient
from trials.eligibility import ENGINE_VERSION, evaluate
from trials.models import Site, Trial
from trials.vocabulary import load_vocabulary

from ..models import Match, MatchEvent, Status, Trigger, Verdict
from .selectors import consented_patients

log = logging.getLogger(__name__)

# Fields a re-match refreshes; status and its history are the coordinators' and never touched here.
ENGINE_FIELDS = ["verdict", "score", "reasons", "questions", "nearest_site", "nearest_site_km", "engine_version",
                 "evaluated_at", "urgent"]
# What the engine reads, and no more: trials and patients carry long texts and JSON the run never needs.
# The review counts put a trial whose free-text items are still pending at "possible" at best (Trial.rule).
TRIAL_FIELDS = ["pk", "overall_status", "status_checked_on", "min_age_years", "max_age_years", "sex", "condition_codes",
                "criteria", "source", "review_total", "review_pending"]
PATIENT_FIELDS = ["pk", "birth_date", "sex", "condition_code", "latitude", "longitude", "postal_code",
                  "travel_radius_km", "answers", "urgent"]
EXISTING_FIELDS = ["pk", "patient_id", "trial_id", "status", *[f for f in ENGINE_FIELDS if f != "nearest_site"],
                   "nearest_site_id"]
KM_PER_DEGREE_LATITUDE = 110.574  # the shortest degree, so the box errs wide
# Rows per INSERT and ids per IN list: within every database's limit on a statement's parameters.
BATCH_SIZE = 500


@dataclass
class RunResult:
    evaluated: int = 0
    created: int = 0
    updated: int = 0
    skipped_reason: str = ""

    def add(self, other):
        self.evaluated += other.evaluated
        self.created += other.created
        self.updated += other.updated


@dataclass(frozen=True)
class _SiteRow:
    """The four things the engine needs of a site, read as plain values: a trial can have hundreds of sites."""

    pk: int
    latitude: float | None
    longitude: float | None
    status: str

    @property
    def is_recruiting(self):
        return self.status == Trial.Status.RECRUITING


class _PreparedTrial:
    """A trial's rule tree and located sites, built once per run rather than once per patient.

    A trial not recruiting on the day of the run (closed, or its "recruiting" unconfirmed for 12 months) has no
    site taking patients: its matches are marked not eligible ("No recruiting site"), rows and history kept, until
    it recruits again.
    """

    def __init__(self, trial, sites, today):
        self.pk = trial.pk
        if not trial.is_recruiting(today):
            sites = [replace(site, status=Trial.Status.UNKNOWN) for site in sites]
        self.rule = trial.rule(sites=sites)
        self.located = trial.site_locations(sites)
        if not trial.is_recruiting(today) and not self.located:
            self.rule = {"all": [*self.rule["all"], {"travel": True}]}  # no located site to say so


def _sites_of(trial_ids):
    """{trial id: [_SiteRow]} for these trials."""
    sites = {}
    for start in range(0, len(trial_ids), BATCH_SIZE):
        rows = (Site.objects.filter(trial_id__in=trial_ids[start:start + BATCH_SIZE]).order_by("trial_id", "pk")
                .values_list("trial_id", "pk", "latitude", "longitude", "status"))
        for trial_id, pk, latitude, longitude, status in rows:
            sites.setdefault(trial_id, []).append(_SiteRow(pk, latitude, longitude, status))
    return sites


def _prepare(trial_ids, sites, today=None):
    """Prepared trials for these ids, given their sites (_sites_of), as of today."""
    today = today or timezone.localdate()
    prepared = []
    for start in range(0, len(trial_ids), BATCH_SIZE):
        trials = Trial.objects.filter(pk__in=trial_ids[start:start + BATCH_SIZE]).only(*TRIAL_FIELDS).order_by("pk")
        prepared += [_PreparedTrial(trial, sites.get(trial.pk, []), today) for trial in trials]
    return prepared


def _within(sites, box):
    """A recruiting located site inside the box (lat_min, lat_max, lon_min, lon_max), or no located site at all
    (then the engine decides)."""
    located = [site for site in sites if site.latitude is not None and site.longitude is not None]
    if not located:
        return True
    lat_min, lat_max, lon_min, lon_max = box
    return any(site.is_recruiting and lat_min <= site.latitude <= lat_max and lon_min <= site.longitude <= lon_max
               for site in located)


class _Fresh:
    """One engine result, before it is known whether it will be written."""

    __slots__ = ("patient_id", "trial_id", "verdict", "urgent", "nearest_site_id")

    def __init__(self, patient_id, trial_id, verdict, urgent, nearest_site_id):
        self.patient_id, self.trial_id, self.verdict = patient_id, trial_id, verdict
        self.urgent, self.nearest_site_id = urgent, nearest_site_id

    def engine_values(self):
        verdict = self.verdict
        return {
            "verdict": verdict.outcome,
            "score": verdict.score,
            "reasons": verdict.to_compact(),  # sentences are worded when a page shows them: Match.reason_sentences
            "questions": list(verdict.questions),
            "nearest_site_id": self.nearest_site_id,
            "nearest_site_km": verdict.nearest_site_km,
            "engine_version": ENGINE_VERSION,
            "urgent": self.urgent,
        }


def _evaluate(prepared, patient, profile, today):
    verdict = evaluate(prepared.rule, profile, today=today, sites=prepared.located)
    nearest = None if verdict.nearest_site_index is None else prepared.located[verdict.nearest_site_index].label
    return _Fresh(patient.pk, prepared.pk, verdict, patient.urgent, nearest)


def _existing(**filters):
    """The stored matches' engine values and status, keyed by (patient id, trial id)."""
    return {(row["patient_id"], row["trial_id"]): row
            for row in Match.objects.filter(**filters).order_by().values(*EXISTING_FIELDS)}


def _upsert(fresh, existing, trigger):
    """Write fresh engine results: create new candidates, refresh old rows, keep every coordinator status.

    `existing` maps (patient_id, trial_id) to the stored row's values (EXISTING_FIELDS). New rows the
    engine rules out are not written; a stored row the engine now rules out keeps its row, marked not
    eligible, so its history stays. A row whose results did not change is not touched, so running twice
    writes nothing. A patient who signs again after revoking gets their withdrawn matches back as new.

    The upsert's update list holds the engine's fields only: `status`, `first_matched_at` and the rest of
    the coordinators' columns are never overwritten.
    """
    result = RunResult(evaluated=len(fresh))
    now = timezone.now()
    rows, new_keys, reinstated = [], set(), []
    for item in fresh:
        key = (item.patient_id, item.trial_id)
        old = existing.get(key)
        if old is None and item.verdict.outcome == Verdict.NOT_ELIGIBLE:
            continue
        values = item.engine_values()
        if old is not None:
            if old["status"] == Status.WITHDRAWN:
                reinstated.append(old["pk"])
            elif all(old[name] == value for name, value in values.items()):
                continue
        else:
            new_keys.add(key)
        rows.append(Match(patient_id=item.patient_id, trial_id=item.trial_id, trigger=trigger, evaluated_at=now,
                          first_matched_at=now, status_changed_at=now, status=Status.NEW, **values))
    Match.objects.bulk_create(rows, batch_size=BATCH_SIZE, update_conflicts=True,
                              unique_fields=["patient", "trial"], update_fields=ENGINE_FIELDS + ["trigger"])
    events = []
    if reinstated:
        Match.objects.filter(pk__in=reinstated).update(status=Status.NEW, status_changed_at=now)
        events += [MatchEvent(match_id=pk, kind=MatchEvent.Kind.SYSTEM, from_status=Status.WITHDRAWN,
                              to_status=Status.NEW, note="Authorization signed again.", at=now) for pk in reinstated]
    label = str(Trigger(trigger).label)
    created = sorted((row for row in rows if (row.patient_id, row.trial_id) in new_keys),
                     key=lambda row: (row.patient_id, row.trial_id))
    events += [MatchEvent(match_id=row.pk, kind=MatchEvent.Kind.CREATED, from_status="", to_status=Status.NEW,
                          note=label, at=now) for row in created]
    MatchEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    result.created, result.updated = len(created), len(rows) - len(created)
    return result


def candidate_trials(patient, today):
    """The prepared trials this patient could fit, plus those they already have a match with.

    The database narrows by status, condition (the patient's code and its ancestors), age window and sex;
    then trials with no recruiting site inside the patient's travel box are left out before their rules are
    built. Trials the patient already has a match with are always kept, so one that stopped fitting (closed,
    criteria changed) is marked, not forgotten.
    """
    codes = sorted(load_vocabulary().ancestors(patient.condition_code))
    narrowed = set(Trial.objects.candidates_for(condition_codes=codes, age_years=patient.age_on(today),
                                                sex=patient.sex).values_list("pk", flat=True))
    already = set(Match.objects.filter(patient_id=patient.pk).order_by().values_list("trial_id", flat=True))
    trial_ids = sorted(narrowed | already)
    sites = _sites_of(trial_ids)
    box = travel_box(patient)
    if box is not None:
        trial_ids = [pk for pk in trial_ids if pk in already or _within(sites.get(pk, []), box)]
    return _prepare(trial_ids, sites, today)


def travel_box(patient):
    """(lat_min, lat_max, lon_min, lon_max) around the patient, wide enough for their travel radius.

    A bounding box, so a superset of what the engine's travel criterion admits: the engine still decides.
    None when the patient travels anywhere, has no location, or the box would wrap around the globe.
    """
    if patient.latitude is None or patient.longitude is None or not patient.travel_radius_km:
        return None
    lat_span = patient.travel_radius_km / KM_PER_DEGREE_LATITUDE
    cos_lat = math.cos(math.radians(patient.latitude))
    if abs(patient.latitude) + lat_span >= 89 or cos_lat < 0.05:
        return None
    lon_span = lat_span / cos_lat
    if abs(patient.longitude) + lon_span >= 180:
        return None
    return (patient.latitude - lat_span, patient.latitude + lat_span,
            patient.longitude - lon_span, patient.longitude + lon_span)


def match_patient(patient_id, *, trigger=Trigger.NEW_INTAKE, today=None):
    """Match one consented patient against every trial they could fit.

    1. Re-read the patient by id; stop if they have no valid authorization.
    2. Narrow (candidate_trials): recruiting trials listing the patient's condition or an ancestor,
       whose age window and sex admit them, with a recruiting site inside the travel box; add the
       trials they already have a match with, so a trial that stopped fitting is marked, not forgotten.
    3. Evaluate every candidate with the engine (no database work in the loop).
    4. Lock the patient row (stamping matched_at), check the authorization again (it may have been revoked
       meanwhile), and upsert one Match per trial.
    """
    today = today or timezone.localdate()
    patient = consented_patients().filter(pk=patient_id).only(*PATIENT_FIELDS).first()
    if patient is None:
        return RunResult(skipped_reason="no valid authorization")
    profile = patient.profile()
    fresh = [_evaluate(trial, patient, profile, today) for trial in candidate_trials(patient, today)]

    with transaction.atomic():
        now = timezone.now()
        # The UPDATE takes the row's lock: a revocation, an erasure or another run for this patient waits
        # for this transaction, or this run waits for theirs; then consent is checked after the wait.
        Patient.objects.filter(pk=patient_id).update(matched_at=now)
        if not consented_patients(now).filter(pk=patient_id).exists():
            transaction.set_rollback(True)  # and with it the matched_at stamp: the sweep still sees them unmatched
            return RunResult(skipped_reason="authorization revoked during the run")
        result = _upsert(fresh, _existing(patient_id=patient_id), trigger)
    log.info("matched patient=%s evaluated=%s created=%s updated=%s", patient_id, result.evaluated,
             result.created, result.updated)
    return result


def _birth_date_window(trial, today):
    """Birth dates that put a patient inside the trial's age window today (whole years, erring wide)."""
    window = Q()
    if trial.max_age_years is not None:
        oldest = math.floor(trial.max_age_years) + 1
        window &= Q(birth_date__gt=_years_before(today, oldest))
    if trial.min_age_years is not None:
        window &= Q(birth_date__lte=_years_before(today, math.floor(trial.min_age_years)))
    return window


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return date(day.year - years, 3, 1)


def candidate_patients(trial, today):
    """Consented patients the database says could fit this trial, plus those already matched to it."""
    codes = set()
    vocabulary = load_vocabulary()
    for code in trial.condition_codes or []:
        codes |= set(vocabulary.descendants(code))
    already = Q(pk__in=Match.objects.filter(trial_id=trial.pk).values("patient_id"))
    if trial.is_recruiting(today) and codes:
        wanted = Q(condition_code__in=sorted(codes)) & _birth_date_window(trial, today)
        if trial.sex != Trial.Sex.ALL:
            wanted &= Q(sex=trial.sex.lower())
        wanted |= already
    else:
        wanted = already  # not recruiting (or lists no condition): only refresh what exists
    return consented_patients().filter(wanted)


def match_trial(trial_id, *, trigger=Trigger.TRIAL_CHANGED, today=None, chunk_size=None):
    """Match one trial against every consented patient, in chunks, keeping memory bounded.

    1. Build the trial's rule and site locations once.
    2. Read the candidate patients' ids in one query (ids only: a few MB for a million patients).
    3. For each chunk of them: load those patients, evaluate, then in one transaction lock their rows, drop
       any whose authorization was revoked meanwhile, and upsert their matches.
    """
    today = today or timezone.localdate()
    chunk_size = chunk_size or settings.MATCH_CHUNK_SIZE
    trial = Trial.objects.filter(pk=trial_id).only(*TRIAL_FIELDS).first()
    if trial is None:
        return RunResult(skipped_reason="no such trial")
    (prepared,) = _prepare([trial.pk], _sites_of([trial.pk]), today)
    # A plain query, not a server-side cursor: PostgreSQL plans a cursor for its first rows, and over the
    # consent subqueries that plan can take minutes to reach them all.
    ids = list(candidate_patients(trial, today).order_by("pk").values_list("pk", flat=True))
    total = RunResult()
    for start in range(0, len(ids), chunk_size):
        chunk_ids = ids[start:start + chunk_size]
        patients = Patient.objects.filter(pk__in=chunk_ids).only(*PATIENT_FIELDS).order_by()
        fresh = {p.pk: _evaluate(prepared, p, p.profile(), today) for p in patients}
        with transaction.atomic():
            # Lock first, then check consent in a separate query: a lock that waited behind a committing
            # revocation must not re-use a consent check made before the wait (PostgreSQL re-checks only
            # the locked rows, and a revocation does not change the patient row).
            list(Patient.objects.filter(pk__in=chunk_ids).order_by("pk").select_for_update().values_list("pk"))
            locked = list(consented_patients().filter(pk__in=chunk_ids).order_by("pk").values_list("pk", flat=True))
            existing = _existing(trial_id=trial.pk, patient_id__in=locked)
            total.add(_upsert([fresh[pk] for pk in locked if pk in fresh], existing, trigger))
    Trial.objects.filter(pk=trial.pk).update(matched_at=timezone.now())
    log.info("matched trial=%s evaluated=%s created=%s updated=%s", trial_id, total.evaluated, total.created,
             total.updated)
    return total
