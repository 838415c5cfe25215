"""Matching runs: the engine over candidates, and the upsert of its results into Match and MatchEvent."""

import logging
import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from consent.models import VALID_AUTHORIZATION_SQL
from intake.models import Patient
from trials.eligibility import ENGINE_VERSION, evaluate
from trials.models import Site, Trial
from trials.vocabulary import load_vocabulary

from .. import pgcopy
from ..models import Match, MatchEvent, Status, Trigger, Verdict
from .selectors import consented_patients

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

    def add(self, other):
        self.evaluated += other.evaluated
        self.created += other.created
        self.updated += other.updated


# What the engine reads, and no more: trials and patients carry long texts and JSON the run never needs.
TRIAL_FIELDS = ["pk", "overall_status", "min_age_years", "max_age_years", "sex", "condition_codes", "criteria"]
PATIENT_FIELDS = ["pk", "birth_date", "sex", "condition_code", "latitude", "longitude", "postal_code",
                  "travel_radius_km", "answers", "urgent"]
KM_PER_DEGREE_LATITUDE = 110.574  # the shortest degree, so the box errs wide
EXISTING_FIELDS = ["pk", "patient_id", "trial_id", "status", *[f for f in ENGINE_FIELDS if f != "nearest_site"],
                   "nearest_site_id"]


@dataclass(frozen=True)
class _SiteRow:
    """The four things the engine needs of a site, without building a model instance per site."""

    pk: int
    latitude: float | None
    longitude: float | None
    status: str

    @property
    def is_recruiting(self):
        return self.status == Trial.Status.RECRUITING


class _PreparedTrial:
    """A trial's rule tree and site locations, built once per run, not once per patient."""

    __slots__ = ("pk", "rule", "located", "recruiting_points")

    def __init__(self, trial, sites):
        self.pk = trial.pk
        self.rule = trial.rule(sites=sites)
        self.located = trial.site_locations(sites)
        self.recruiting_points = tuple((site.latitude, site.longitude) for site in self.located if site.recruiting)

    def within(self, box):
        """A recruiting site inside the box (lat_min, lat_max, lon_min, lon_max), or no located site at all
        (then the engine decides)."""
        if not self.located:
            return True
        lat_min, lat_max, lon_min, lon_max = box
        return any(lat_min <= lat <= lat_max and lon_min <= lon <= lon_max for lat, lon in self.recruiting_points)


def _prepare(trials):
    """Prepared trials with their sites, in two queries whatever their number."""
    trials = list(trials)
    sites = {}
    rows = Site.objects.filter(trial_id__in=[t.pk for t in trials]).order_by("trial_id", "pk").values_list(
        "trial_id", "pk", "latitude", "longitude", "status"
    )
    for trial_id, pk, latitude, longitude, status in rows:
        sites.setdefault(trial_id, []).append(_SiteRow(pk, latitude, longitude, status))
    return [_PreparedTrial(trial, sites.get(trial.pk, [])) for trial in trials]


class _PreparedCache:
    """Prepared trials kept between runs in one worker process, keyed by (trial id, criteria_changed_at).

    Every change to what the engine reads of a trial (criteria, ages, sex, conditions, sites) goes through
    trials.services.trial_matching_inputs_changed, which moves criteria_changed_at, so a changed trial
    misses the cache and is rebuilt. Bounded, oldest first out, so a worker's memory stays flat.
    """

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()

    def get_many(self, stamped_ids):
        """[(pk, stamp)] -> prepared trials, building the ones not cached in two queries."""
        found, missing = [], {}
        for pk, stamp in stamped_ids:
            entry = self.entries.get(pk)
            if entry is not None and entry[0] == stamp:
                self.entries.move_to_end(pk)
                found.append(entry[1])
            else:
                missing[pk] = stamp
        pks = sorted(missing)
        for start in range(0, len(pks), 5000):  # bounded IN lists, whatever the registry's size
            trials = Trial.objects.filter(pk__in=pks[start:start + 5000]).only(*TRIAL_FIELDS).order_by()
            for prepared in _prepare(trials):
                found.append(prepared)
                if self.size:
                    self.entries[prepared.pk] = (missing[prepared.pk], prepared)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return found

    def clear(self):
        self.entries.clear()


prepared_trials = _PreparedCache(settings.MATCH_TRIAL_CACHE_SIZE)


def warm_prepared_trials():
    """Build every recruiting trial (up to the cache's size, latest changed first) into this process's cache.

    A Celery worker does this as it starts (config/celery.py), so the first patients after a restart do not
    pay for building the rules of the trials they fit (~0.13 ms a trial: ~2 s for 16,000). Returns how many.
    """
    stamped = list(Trial.objects.recruiting().order_by("-criteria_changed_at", "-pk")
                   .values_list("pk", "criteria_changed_at")[:prepared_trials.size])
    return len(prepared_trials.get_many(stamped))


class _Fresh:
    """One engine result, before it is known whether it will be written: new not-eligible ones never build their
    stored values."""

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


def _upsert(fresh, existing, trigger):
    """Write fresh engine results: create new candidates, refresh old rows, keep every coordinator status.

    `existing` maps (patient_id, trial_id) to the stored row's values (EXISTING_FIELDS). New rows the
    engine rules out are not written; a stored row the engine now rules out keeps its row, marked not
    eligible, so its history stays. A row whose results did not change is not touched, so running twice
    writes nothing. A patient who signs again after revoking gets their withdrawn matches back as new.

    One INSERT … ON CONFLICT DO UPDATE writes the engine's fields only: `status`, `first_matched_at` and
    the rest of the coordinators' columns are never in its update list.
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
        rows.append(dict(patient_id=item.patient_id, trial_id=item.trial_id, trigger=trigger, evaluated_at=now,
                         first_matched_at=now, status_changed_at=now, status=Status.NEW, **values))
    pks = _insert_matches(rows) if rows else {}
    events = []
    if reinstated:
        Match.objects.filter(pk__in=reinstated).update(status=Status.NEW, status_changed_at=now)
        events += [dict(match_id=pk, kind=MatchEvent.Kind.SYSTEM, from_status=Status.WITHDRAWN,
                        to_status=Status.NEW, note="Authorization signed again.", at=now) for pk in reinstated]
    label = str(Trigger(trigger).label)
    created = [pks[key] for key in sorted(new_keys)]
    events += [dict(match_id=pk, kind=MatchEvent.Kind.CREATED, from_status="", to_status=Status.NEW, note=label,
                    at=now) for pk in created]
    if events:
        _insert_events(events)
    result.created, result.updated = len(created), len(rows) - len(created)
    return result


# The columns of one upsert: what a new row gets, and (ENGINE_FIELDS + trigger) what a stored row refreshes.
MATCH_INSERT_COLUMNS = ["patient_id", "trial_id", "trigger", "evaluated_at", "first_matched_at", "status_changed_at",
                        "status", "verdict", "score", "reasons", "questions", "nearest_site_id", "nearest_site_km",
                        "engine_version", "urgent"]
MATCH_UPDATE_COLUMNS = ["verdict", "score", "reasons", "questions", "nearest_site_id", "nearest_site_km",
                        "engine_version", "evaluated_at", "urgent", "trigger"]
EVENT_INSERT_COLUMNS = ["match_id", "kind", "from_status", "to_status", "note", "contact_method", "contact_outcome",
                        "at"]


def _insert_matches(rows):
    """Upsert match rows (dicts of MATCH_INSERT_COLUMNS); returns {(patient_id, trial_id): pk}.

    On PostgreSQL through COPY and one `INSERT … SELECT … ON CONFLICT … RETURNING` (matches/pgcopy.py: a
    patient's first match writes up to ~2,000 rows). Elsewhere (SQLite in tests and `make run`), bulk_create.
    """
    if connection.vendor == "postgresql":
        returned = pgcopy.upsert(Match, rows, columns=MATCH_INSERT_COLUMNS, conflict=["patient_id", "trial_id"],
                                 update=MATCH_UPDATE_COLUMNS, returning=["id", "patient_id", "trial_id"])
        return {(p, t): pk for pk, p, t in returned}
    objs = [Match(**row) for row in rows]
    Match.objects.bulk_create(objs, batch_size=500, update_conflicts=True, unique_fields=["patient", "trial"],
                              update_fields=ENGINE_FIELDS + ["trigger"])
    if any(m.pk is None for m in objs):  # backends that return no primary keys from an upsert
        return {(p, t): pk for pk, p, t in Match.objects.filter(
            patient_id__in={m.patient_id for m in objs}, trial_id__in={m.trial_id for m in objs}
        ).values_list("pk", "patient_id", "trial_id")}
    return {(m.patient_id, m.trial_id): m.pk for m in objs}


def _insert_events(events):
    """Insert MatchEvent rows (dicts of EVENT_INSERT_COLUMNS, contact fields optional): COPY on PostgreSQL."""
    rows = [{"contact_method": "", "contact_outcome": "", **event} for event in events]
    if connection.vendor == "postgresql":
        pgcopy.insert(MatchEvent, rows, columns=EVENT_INSERT_COLUMNS)
        return
    MatchEvent.objects.bulk_create([MatchEvent(**row) for row in rows], batch_size=1000)


def _relax_commit():
    """Let PostgreSQL acknowledge this transaction before its WAL reaches the disk.

    Matches are derived data: if the server crashes in the next fraction of a second, the patient's
    matched_at is lost with the rows, so the sweep matches them again. Coordinators' writes (statuses,
    notes) and consent never take this path. Saves one disk flush per patient, most of a small run's time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _existing(**filters):
    return {(row["patient_id"], row["trial_id"]): row
            for row in Match.objects.filter(**filters).values(*EXISTING_FIELDS)}


# One patient's run, statement by statement, in SQL written here (the same on PostgreSQL and SQLite): for each
# of these the ORM spent 1-3 ms of Python building and compiling what the database answers in 0.2-0.6 ms, most
# of a median patient's fixed cost (docs/perf-matching.md, "Fourth pass"). tests/matches/test_patient_sql.py holds
# each to what the ORM query it replaces returns.
_ACTIVE_AND_CONSENTED = "p.id = %s AND p.erased_at IS NULL AND " + VALID_AUTHORIZATION_SQL.format(patient_id="p.id")
_PATIENT_ATTNAMES = [Patient._meta.pk.attname if name == "pk" else Patient._meta.get_field(name).attname
                     for name in PATIENT_FIELDS]
_CONSENTED_PATIENT_SQL = (f"SELECT {', '.join('p.' + name for name in _PATIENT_ATTNAMES)} FROM intake_patient p "
                          f"WHERE {_ACTIVE_AND_CONSENTED}")
_STILL_CONSENTED_SQL = f"SELECT 1 FROM intake_patient p WHERE {_ACTIVE_AND_CONSENTED}"
_LOCK_SQL = "UPDATE intake_patient SET matched_at = %s WHERE id = %s"
_ALREADY_SQL = ("SELECT t.id, t.criteria_changed_at FROM trials_trial t JOIN matches_match m ON m.trial_id = t.id "
                "WHERE m.patient_id = %s")
_EXISTING_COLUMNS = ["id", "patient_id", "trial_id", "status", "verdict", "score", "reasons", "questions",
                     "nearest_site_id", "nearest_site_km", "engine_version", "urgent"]
_EXISTING_SQL = f"SELECT {', '.join(_EXISTING_COLUMNS)} FROM matches_match WHERE patient_id = %s"


def _now_param(now):
    return connection.ops.adapt_datetimefield_value(now)


def _consented_patient(patient_id, now):
    """The patient's matching fields, or None unless they are active with a valid authorization."""
    found = list(Patient.objects.raw(_CONSENTED_PATIENT_SQL, [patient_id, _now_param(now)]))
    return found[0] if found else None


def _still_consented(patient_id, now):
    with connection.cursor() as cursor:
        cursor.execute(_STILL_CONSENTED_SQL, [patient_id, _now_param(now)])
        return cursor.fetchone() is not None


def _lock_patient(patient_id, now):
    """Stamp matched_at, which takes the row's lock (an UPDATE's): a revocation, an erasure or another run for
    this patient waits for this transaction, or this run waits for theirs."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [_now_param(now), patient_id])


def _trials_already_matched(patient_id):
    """{trial id: criteria_changed_at} of the trials this patient has a match with."""
    column = Trial._meta.get_field("criteria_changed_at").get_col(Trial._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    with connection.cursor() as cursor:
        cursor.execute(_ALREADY_SQL, [patient_id])
        rows = cursor.fetchall()
    for convert in converters:  # none on PostgreSQL; text to datetime on SQLite
        rows = [(pk, convert(stamp, column, connection)) for pk, stamp in rows]
    return dict(rows)


def _existing_for_patient(patient_id):
    """_existing(patient_id=…) but for evaluated_at, which _upsert does not read; keyed by (patient, trial)."""
    with connection.cursor() as cursor:
        cursor.execute(_EXISTING_SQL, [patient_id])
        rows = cursor.fetchall()
    existing = {}
    for row in rows:
        item = dict(zip(_EXISTING_COLUMNS, row, strict=True))
        item["pk"] = item.pop("id")
        for name in ("reasons", "questions"):
            if isinstance(item[name], (str, bytes)):
                item[name] = orjson.loads(item[name])
        item["urgent"] = bool(item["urgent"])
        existing[(item["patient_id"], item["trial_id"])] = item
    return existing


def candidate_trials(patient, today):
    """The prepared trials this patient could fit, plus those they already have a match with.

    The database narrows by status, condition (the patient's code and its ancestors), age window and sex;
    then trials with no recruiting site inside the patient's travel box are left out, on the sites each
    prepared trial keeps (a worker has them built already: no database work, ~1 µs a trial). Trials the
    patient already has a match with are always kept, so one that stopped fitting (closed, criteria
    changed) is marked, not forgotten.
    """
    codes = sorted(load_vocabulary().ancestors(patient.condition_code))
    stamped = Trial.objects.candidate_stamps(condition_codes=codes, age_years=patient.age_on(today), sex=patient.sex)
    already = _trials_already_matched(patient.pk)
    prepared = prepared_trials.get_many(sorted({**stamped, **already}.items()))
    box = travel_box(patient)
    if box is None:
        return prepared
    return [trial for trial in prepared if trial.pk in already or trial.within(box)]


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
    patient = _consented_patient(patient_id, timezone.now())
    if patient is None:
        return RunResult(skipped_reason="no valid authorization")
    profile = patient.profile()
    fresh = [_evaluate(trial, patient, profile, today) for trial in candidate_trials(patient, today)]

    with transaction.atomic():
        _relax_commit()
        now = timezone.now()
        _lock_patient(patient_id, now)
        if not _still_consented(patient_id, now):
            transaction.set_rollback(True)  # and with it the matched_at stamp: the sweep still sees them unmatched
            return RunResult(skipped_reason="authorization revoked during the run")
        result = _upsert(fresh, _existing_for_patient(patient_id), trigger)
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
    if trial.overall_status == Trial.Status.RECRUITING and codes:
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
    2. Stream the candidate patients' ids (one query, read in batches, never the whole list at once).
    3. For each chunk: load those patients, evaluate, then in one transaction lock their rows, drop any
       whose authorization was revoked meanwhile, and upsert their matches.
    """
    today = today or timezone.localdate()
    chunk_size = chunk_size or settings.MATCH_CHUNK_SIZE
    trial = Trial.objects.filter(pk=trial_id).only(*TRIAL_FIELDS).first()
    if trial is None:
        return RunResult(skipped_reason="no such trial")
    (prepared,) = _prepare([trial])
    ids = candidate_patients(trial, today).order_by("pk").values_list("pk", flat=True)
    total = RunResult()
    for chunk_ids in _batches(ids.iterator(chunk_size=chunk_size), chunk_size):
        patients = Patient.objects.filter(pk__in=chunk_ids).only(*PATIENT_FIELDS).order_by()
        fresh = {p.pk: _evaluate(prepared, p, p.profile(), today) for p in patients}
        with transaction.atomic():
            _relax_commit()
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


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


