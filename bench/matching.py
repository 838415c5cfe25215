"""Matching at registry scale, on PostgreSQL: how long one patient and one trial take, and the worker's memory.

    .venv/bin/python bench/matching.py            # 50,000 trials, 500,000 patients (the issue's sizes)
    .venv/bin/python bench/matching.py --quick    # a smoke run: 2,000 trials, 20,000 patients

1. Create a throwaway database (tb_bench), migrate it, and fill it with COPY: a synthetic registry whose
   conditions are weighted like real ones (mostly oncology, a long tail), with varied age windows, sex
   limits, 1–30 sites and curated criteria on a share of trials; patients with varied answers and
   unknowns, every one with a valid authorization. Trial statuses follow the registry (a third
   recruiting; --stress: 80%, the first benchmark's mix, for a worst case of candidates per patient).
2. In a fresh child process (the "worker", so the generator's memory is not counted):
   (a) match_patient for a sample of never-matched patients: p50 / p95 ms; then the same service with
       the database narrowing switched off (every recruiting trial goes through the engine), and the ratio of
       the medians, two ways: paired (the first --paired-sample timed patients again, their matches deleted
       first, so both sides make the same first match and write the same rows; the headline) and unpaired
       (--baseline-sample other patients, against the whole sample's median; its spread is mostly which
       patients that small sample draws);
   (b) match_trial for the broadest recruiting trial of a condition family (default onc:LUNG), first run
       and an unchanged re-run: seconds and patients per second;
   (c) the worker's peak RSS, read before the no-narrowing baseline (which is not something a worker does).
3. Drop the database (unless --keep) and print one line of JSON with the figures.
"""

import argparse
import csv
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"patient_p95_ms": 250, "narrowing_speedup": 20, "trial_seconds": 60, "worker_peak_rss_mb": 400}

# Share of trials per condition family, roughly the recruiting registry (oncology ≈ 60%); families not
# named get the long tail's weight.
FAMILY_WEIGHTS = {
    "onc:BREAST": 14, "onc:LUNG": 13, "onc:LYMPH": 8, "onc:BOWEL": 7, "onc:PROSTATE": 6, "onc:MYELOID": 6,
    "onc:SKIN": 4, "onc:PANCREAS": 4, "onc:BRAIN": 3, "onc:OVARY": 3, "onc:KIDNEY": 2, "onc:BLADDER": 2,
    "onc:HEAD_NECK": 2, "onc:LIVER": 2, "onc:STOMACH": 1.5, "onc:UTERUS": 1.5,
    "psy:DEPRESSIVE": 9, "psy:ANXIETY": 4, "psy:PTSD": 2, "psy:BIPOLAR": 1.5, "psy:SCHIZO": 1.5, "psy:OUD": 1.5,
    "pain:NEUROPATHIC": 3, "pain:CLBP": 2, "pain:FIBROMYALGIA": 1, "pain:OA": 2, "pain:MIGRAINE": 2,
}
TAIL_WEIGHT = 0.6
BASKET_SHARE = 0.05  # "any solid tumour" trials listing onc:TISSUE
FEMALE_FAMILIES = {"onc:BREAST", "onc:OVARY", "onc:UTERUS", "onc:CERVIX"}
MALE_FAMILIES = {"onc:PROSTATE", "onc:TESTIS"}
CITIES = [  # (lat, lon) of US metro areas with trial centres
    (29.71, -95.40), (40.71, -74.01), (42.36, -71.06), (41.88, -87.63), (34.05, -118.24), (37.77, -122.42),
    (47.61, -122.33), (39.95, -75.17), (38.91, -77.04), (33.75, -84.39), (25.76, -80.19), (32.78, -96.80),
    (30.27, -97.74), (39.74, -104.99), (33.45, -112.07), (44.98, -93.27), (39.10, -84.51), (41.50, -81.69),
    (42.33, -83.05), (36.16, -86.78), (35.23, -80.84), (35.99, -78.90), (40.44, -79.99), (43.05, -76.15),
    (38.63, -90.20), (39.10, -94.58), (41.26, -95.93), (40.76, -111.89), (45.52, -122.68), (32.72, -117.16),
    (21.31, -157.86), (61.22, -149.90), (43.62, -116.20), (35.08, -106.65), (29.95, -90.07), (30.33, -81.66),
    (27.95, -82.46), (36.85, -76.29), (43.66, -70.26), (44.48, -73.21),
]
RADII_KM = [None, None, None, 25, 50, 80, 100, 160, 250, 400, 800]

# Trial status mixes, as weights. "realistic" (the default) is the overall-status count of the 801 API v2
# records in ../shared/data/ctgov (see its README): a third recruiting. "stress" is the mix the first
# benchmark used, 80% recruiting: about 2.4× the candidates per patient, a worst case for the write.
STATUS_MIXES = {
    "realistic": {
        "COMPLETED": 298, "RECRUITING": 266, "NOT_YET_RECRUITING": 70, "UNKNOWN": 69, "ACTIVE_NOT_RECRUITING": 39,
        "TERMINATED": 36, "WITHDRAWN": 14, "ENROLLING_BY_INVITATION": 6, "SUSPENDED": 3,
    },
    "stress": {"RECRUITING": 80, "NOT_YET_RECRUITING": 8, "ACTIVE_NOT_RECRUITING": 6, "COMPLETED": 4, "SUSPENDED": 2},
}

CRITERIA = {
    "oncology": [
        {"ecog": {"max": 1}}, {"ecog": {"max": 2}}, {"prior_lines": {"max": 2}}, {"prior_lines": {"min": 1}},
        {"metastatic": True}, {"stage": {"min": "III"}}, {"biomarker": {"gene": "EGFR", "status": "positive"}},
        {"biomarker": {"gene": "HER2", "status": "negative"}}, {"biomarker": {"gene": "KRAS", "status": "positive"}},
        {"not": {"prior_therapy": ["class:PD1_PDL1"]}}, {"not": {"pregnant": True}},
    ],
    "psychiatric": [
        {"phq9": {"min": 10}}, {"phq9": {"min": 15}}, {"gad7": {"min": 10}}, {"antidepressant_trials": {"min": 2}},
        {"not": {"medication": ["class:MAOI"]}}, {"not": {"suicidal_ideation": True}}, {"not": {"pregnant": True}},
    ],
    "pain": [
        {"not": {"medication": ["class:OPIOID"]}}, {"not": {"medication": ["class:GABAPENTINOID"]}},
        {"phq9": {"max": 19}}, {"not": {"pregnant": True}},
    ],
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50_000)
    parser.add_argument("--patients", type=int, default=500_000)
    parser.add_argument("--sample", type=int, default=100, help="patients timed through match_patient")
    parser.add_argument("--baseline-sample", type=int, default=9,
                        help="other patients timed without narrowing (the unpaired ratio)")
    parser.add_argument("--paired-sample", type=int, default=15,
                        help="timed patients matched again without narrowing (the paired ratio)")
    parser.add_argument("--trial-family", default="onc:LUNG",
                        help="match_trial runs on this family's broadest recruiting trial (onc:TISSUE: worst case)")
    parser.add_argument("--curated-share", type=float, default=0.35, help="share of trials with curated criteria")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--db", default="tb_bench", help="database created and dropped by the run")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it with --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure on an existing database, no generation")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 trials, 20,000 patients")
    parser.add_argument("--stress", action="store_true",
                        help="80%% of trials recruiting (the first benchmark's mix) instead of the registry's third")
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.trials, args.patients, args.sample, args.baseline_sample = 2_000, 20_000, 20, 3
        args.paired_sample = 3
    return args


def status_profile(args):
    return "stress" if args.stress else "realistic"


def setup_django(args):
    os.environ["DATABASE_URL"] = f"{args.server}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CONN_MAX_AGE", "600")
    import django

    django.setup()
    import logging

    logging.getLogger("matches.services").setLevel(logging.WARNING)


def admin_sql(args, sql):
    import psycopg2

    conn = psycopg2.connect(f"{args.server}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


# ---------------------------------------------------------------- generation


class Copier:
    """COPY rows into a model's table: every column gets the model's default unless the row names it."""

    def __init__(self, model):
        from django.db import connection

        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = {}
        for field in self.fields:
            value = field.get_default() if field.has_default() else None
            self.defaults[field.attname] = self._plain(value)
        self.connection = connection

    @staticmethod
    def _plain(value):
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        if isinstance(value, uuid.UUID):
            return str(value)
        return value

    def copy(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
        names = [f.attname for f in self.fields]
        count = 0
        for row in rows:
            writer.writerow([self._plain(row[n]) if n in row else self.defaults[n] for n in names])
            count += 1
            if buffer.tell() > 32 << 20:
                self._flush(buffer)
                buffer = io.StringIO()
                writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
        self._flush(buffer)
        return count

    def _flush(self, buffer):
        buffer.seek(0)
        columns = ", ".join(f'"{c}"' for c in self.columns)
        # The csv module quotes None as "" like an empty string; FORCE_NULL reads it back as NULL where allowed.
        nullable = ", ".join(f'"{f.column}"' for f in self.fields if f.null)
        options = f"FORMAT csv, FORCE_NULL ({nullable})" if nullable else "FORMAT csv"
        with self.connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{self.table}" ({columns}) FROM STDIN WITH ({options})', buffer)


def families():
    """Family (the code just below a root, e.g. onc:LUNG) -> every code in it, itself included."""
    # Comorbidities (kind "other") are never what a trial is about, nor a patient's diagnosis.
    data = [c for c in json.loads((ROOT / "trials" / "vocab" / "conditions.json").read_text())["conditions"]
            if c["kind"] != "other"]
    parent = {c["code"]: c["parent"] for c in data}
    members = {}
    for code in parent:
        chain = [code]
        while parent[chain[-1]]:
            chain.append(parent[chain[-1]])
        if len(chain) >= 2:  # roots (onc:TISSUE, psy:MH, pain:CHRONIC) belong to no family
            members.setdefault(chain[-2], []).append(code)
    return members


def kind_of(code):
    return {"onc": "oncology", "psy": "psychiatric", "pain": "pain"}[code.split(":")[0]]


def jitter_city(rng):
    lat, lon = rng.choice(CITIES)
    return round(lat + rng.uniform(-0.4, 0.4), 4), round(lon + rng.uniform(-0.4, 0.4), 4)


def generate(args):
    from django.core.management import call_command
    from django.db import connection

    from consent.models import Authorization, AuthorizationText
    from intake.models import Patient
    from trials.eligibility import validate_rule
    from trials.models import Site, Trial, TrialCondition

    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    members = families()
    family_names = sorted(members)
    weights = [FAMILY_WEIGHTS.get(f, TAIL_WEIGHT) for f in family_names]
    for kind, templates in CRITERIA.items():
        bad = [t for t in templates if validate_rule({"all": [t]})]
        if bad:
            sys.exit(f"bench criteria the engine refuses ({kind}): {bad}")
    drugs = json.loads((ROOT / "trials" / "vocab" / "drugs.json").read_text())
    psych_drugs = [d["id"] for d in drugs["drugs"] if any(c in {"class:SSRI", "class:SNRI", "class:MAOI", "class:TCA",
                                                                "class:BENZODIAZEPINE", "class:ANTIPSYCHOTIC"}
                                                         for c in d["classes"])]
    pain_drugs = [d["id"] for d in drugs["drugs"] if any(c in {"class:OPIOID", "class:GABAPENTINOID", "class:SNRI"}
                                                         for c in d["classes"])]
    onc_history = ["class:PLATINUM", "class:PD1_PDL1", "class:TAXANE", "therapy:radiation", "therapy:surgery",
                   "class:EGFR_TKI"]
    genes = ["EGFR", "ALK", "KRAS", "HER2", "BRAF", "PD-L1", "BRCA1"]
    now = datetime.now(dt_timezone.utc)
    today = now.date()

    # Trials, their indexed condition rows and sites.
    status_mix = STATUS_MIXES[status_profile(args)]
    statuses = [Trial.Status(name) for name, count in status_mix.items() for _ in range(count)]
    trials, conditions, sites = [], [], []
    site_pk = 0
    for pk in range(1, args.trials + 1):
        if rng.random() < BASKET_SHARE:
            family, codes = "onc:TISSUE", ["onc:TISSUE"]
        else:
            family = rng.choices(family_names, weights)[0]
            codes = sorted(set(rng.sample(members[family], k=min(len(members[family]), rng.choice([1, 1, 1, 2, 3])))))
        kind = kind_of(family)
        sex = Trial.Sex.ALL
        if family in FEMALE_FAMILIES and rng.random() < 0.8:
            sex = Trial.Sex.FEMALE
        elif family in MALE_FAMILIES and rng.random() < 0.9:
            sex = Trial.Sex.MALE
        min_age = rng.choices([18, 18, 18, 18, 21, 40, 50, 65, 12, None], k=1)[0]
        max_age = rng.choice([None, None, None, 65, 70, 75, 80, 85, 99])
        if min_age is not None and max_age is not None and max_age < min_age:
            max_age = None
        criteria = None
        if rng.random() < args.curated_share:
            criteria = {"all": rng.sample(CRITERIA[kind], k=rng.randint(1, 4))}
        trials.append(dict(
            id=pk, ref=f"NCT{90000000 + pk}", source="ctgov", title=f"Synthetic {family} trial {pk}",
            overall_status=rng.choice(statuses), condition_codes=codes, conditions=codes, min_age_years=min_age,
            max_age_years=max_age, sex=sex, criteria=criteria, created_at=now, updated_at=now,
            criteria_changed_at=now, matched_at=now,
        ))
        conditions += [dict(trial_id=pk, code=code) for code in codes]
        for _ in range(min(30, max(1, int(rng.paretovariate(1.2))))):
            site_pk += 1
            lat, lon = jitter_city(rng)
            sites.append(dict(id=site_pk, trial_id=pk, facility=f"Centre {site_pk}", latitude=lat, longitude=lon,
                              status=Trial.Status.RECRUITING if rng.random() < 0.9 else Trial.Status.COMPLETED))
    with connection.cursor():
        Copier(Trial).copy(trials)
        Copier(TrialCondition).copy(dict(id=i, **row) for i, row in enumerate(conditions, 1))
        Copier(Site).copy(sites)
    del trials, conditions, sites
    trials_done = time.perf_counter()

    # Patients, each with a signed, valid authorization.
    text = AuthorizationText.objects.current()
    # Patients lean further to mental health and pain than trials do (they are far more common conditions).
    patient_weights = [w * (3 if f.startswith(("psy:", "pain:")) else 1)
                       for f, w in zip(family_names, weights, strict=True)]
    copy_patients, copy_auths = Copier(Patient), Copier(Authorization)
    batch_patients, batch_auths = [], []
    for pk in range(1, args.patients + 1):
        family = rng.choices(family_names, patient_weights)[0]
        code = rng.choice(members[family])
        kind = kind_of(code)
        sex = "female" if family in FEMALE_FAMILIES else "male" if family in MALE_FAMILIES else rng.choice(
            ["female", "male"])
        age_days = int(rng.triangular(18, 90, 60 if kind == "oncology" else 38) * 365.25) if rng.random() > 0.03 \
            else rng.randint(8 * 365, 17 * 365)
        lat, lon = jitter_city(rng)
        answers = {}
        if kind == "oncology":
            for key, values in (("ecog", [0, 1, 1, 2, 3]), ("stage", ["I", "II", "IIIA", "IIIB", "IV", "IV"]),
                                ("metastatic", [True, False]), ("prior_lines", [0, 1, 2, 3, 4])):
                if rng.random() < 0.7:
                    answers[key] = rng.choice(values)
            if rng.random() < 0.5:
                answers["biomarkers"] = {g: rng.choice(["positive", "negative"]) for g in rng.sample(genes, 2)}
            if rng.random() < 0.6:
                answers["prior_therapies"] = rng.sample(onc_history, rng.randint(0, 3))
        else:
            for key, values in (("phq9", range(0, 28)), ("gad7", range(0, 22)), ("antidepressant_trials", range(0, 5)),
                                ("suicidal_ideation", [False, False, False, True])):
                if rng.random() < 0.75:
                    answers[key] = rng.choice(values)
            if rng.random() < 0.7:
                answers["medications"] = rng.sample(psych_drugs if kind == "psychiatric" else pain_drugs,
                                                    rng.randint(0, 2))
        if sex == "female" and rng.random() < 0.6:
            answers["pregnant"] = rng.random() < 0.03
        batch_patients.append(dict(
            id=pk, public_id=uuid.uuid4(), reference=f"TB-{pk:08d}"[:14], full_name=f"Bench Patient {pk}",
            email=f"p{pk}@bench.invalid", birth_date=today - timedelta(days=age_days), sex=sex,
            postal_code="00000", latitude=lat, longitude=lon, travel_radius_km=rng.choice(RADII_KM),
            condition_code=code, answers=answers, urgent=rng.random() < 0.01, created_at=now,
            answers_changed_at=now, matched_at=None,
        ))
        batch_auths.append(dict(
            id=pk, patient_id=pk, text_id=text.pk, language="en", signed_name=f"Bench Patient {pk}", signed_at=now,
            signature_meaning="bench", snapshot="bench", snapshot_sha256="0" * 64, signature_sha256="0" * 64,
            expires_at=now + timedelta(days=365),
        ))
        if len(batch_patients) == 50_000:
            copy_patients.copy(batch_patients)
            copy_auths.copy(batch_auths)
            batch_patients, batch_auths = [], []
    copy_patients.copy(batch_patients)
    copy_auths.copy(batch_auths)
    with connection.cursor() as cursor:
        for model in (Trial, TrialCondition, Site, Patient, Authorization):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                           f"(SELECT max(id) FROM \"{table}\"))")
        cursor.execute("VACUUM ANALYZE")
    return {"generate_trials_s": round(trials_done - started, 1),
            "generate_total_s": round(time.perf_counter() - started, 1)}


# ---------------------------------------------------------------- measurement (the worker process)


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(args):
    from django.db import connection

    from intake.models import Patient
    from matches import services
    from matches.models import Match, MatchEvent
    from matches.services import matching
    from trials.models import Trial
    from trials.vocabulary import load_vocabulary

    rng = random.Random(args.seed + 1)
    load_vocabulary()
    out = {}
    ids = list(services.consented_patients().filter(matched_at__isnull=True).values_list("pk", flat=True))
    sample = rng.sample(ids, min(len(ids), args.sample + args.baseline_sample))
    narrowed_ids, baseline_ids = sample[:args.sample], sample[args.sample:]

    services.match_patient(narrowed_ids[0])  # the connection's first use; not timed
    timings, candidates, written, timed_ids = [], [], 0, narrowed_ids[1:]
    for patient_id in timed_ids:
        started = time.perf_counter()
        result = services.match_patient(patient_id)
        timings.append((time.perf_counter() - started) * 1000)
        candidates.append(result.evaluated)
        written += result.created
    out["patient_p50_ms"] = round(statistics.median(timings), 1)
    out["patient_p95_ms"] = round(percentile(timings, 0.95), 1)
    out["patient_max_ms"] = round(max(timings), 1)
    out["patient_candidates_p50"] = statistics.median(candidates)
    out["patient_candidates_max"] = max(candidates)
    out["patient_rows_written_mean"] = round(written / len(timings), 1)
    out["patients_timed"] = len(timings)

    # (b) one trial against every consented patient.
    codes = sorted(load_vocabulary().descendants(args.trial_family))
    trial = (Trial.objects.recruiting().filter(condition_codes__contains=[args.trial_family], sex=Trial.Sex.ALL)
             .order_by("min_age_years", "-max_age_years", "pk").first()
             or Trial.objects.recruiting().filter(conditions_index__code__in=codes).order_by("pk").first())
    Match.objects.filter(trial=trial).delete()  # with --reuse: time a first run, not a re-run
    started = time.perf_counter()
    result = services.match_trial(trial.pk)
    seconds = time.perf_counter() - started
    out["trial_family"] = args.trial_family
    out["trial_codes"] = trial.condition_codes
    out["trial_patients_evaluated"] = result.evaluated
    out["trial_rows_created"] = result.created
    out["trial_seconds"] = round(seconds, 2)
    out["trial_patients_per_second"] = round(result.evaluated / seconds) if seconds else None
    started = time.perf_counter()
    again = services.match_trial(trial.pk)
    out["trial_rerun_seconds"] = round(time.perf_counter() - started, 2)
    out["trial_rerun_rows_changed"] = again.created + again.updated
    out["worker_peak_rss_mb"] = peak_rss_mb()

    # (a, continued) the same service without the database narrowing: every recruiting trial is a candidate.
    def every_recruiting_trial(patient, today):
        ids = set(Trial.objects.recruiting().values_list("pk", flat=True))
        ids |= set(Match.objects.filter(patient_id=patient.pk).values_list("trial_id", flat=True))
        ids = sorted(ids)
        return matching._prepare(ids, matching._sites_of(ids))

    def without_narrowing(patient_ids):
        original = matching.candidate_trials
        matching.candidate_trials = every_recruiting_trial
        try:
            spent = []
            for patient_id in patient_ids:
                started = time.perf_counter()
                services.match_patient(patient_id)
                spent.append((time.perf_counter() - started) * 1000)
            return spent
        finally:
            matching.candidate_trials = original

    # Paired: the same patients' first match again, so the two sides differ only in the narrowing.
    paired_ids = timed_ids[:args.paired_sample]
    MatchEvent.objects.filter(match__patient_id__in=paired_ids).delete()
    Match.objects.filter(patient_id__in=paired_ids).delete()
    Patient.objects.filter(pk__in=paired_ids).update(matched_at=None)
    paired = without_narrowing(paired_ids)
    narrowed_paired = timings[:len(paired_ids)]
    out["paired_patients"] = len(paired_ids)
    out["paired_narrowed_p50_ms"] = round(statistics.median(narrowed_paired), 1)
    out["paired_no_narrowing_p50_ms"] = round(statistics.median(paired), 1)
    out["narrowing_speedup"] = round(statistics.median(paired) / statistics.median(narrowed_paired), 1)
    ratios = [b / a for a, b in zip(narrowed_paired, paired, strict=True)]
    out["narrowing_speedup_per_patient_min"] = round(min(ratios), 1)
    # Unpaired, as the benchmark measured it first: other patients, against the whole sample's median.
    baseline = without_narrowing(baseline_ids)
    out["no_narrowing_p50_ms"] = round(statistics.median(baseline), 1)
    out["narrowing_speedup_unpaired"] = round(statistics.median(baseline) / statistics.median(timings), 1)
    out["matches_total"] = Match.objects.count()
    with connection.cursor() as cursor:  # what a stored match's reasons weigh, as JSON text
        cursor.execute("SELECT avg(octet_length(reasons::text)) FROM matches_match")
        mean = cursor.fetchone()[0]
    out["reasons_json_bytes_mean"] = None if mean is None else round(float(mean))
    out["database"] = connection.vendor
    return out


def main(argv=None):
    args = parse_args(argv)
    if args.generate:
        setup_django(args)
        print(json.dumps(generate(args)))
        return 0
    if args.worker:
        setup_django(args)
        print(json.dumps(measure(args)))
        return 0
    figures = {"trials": args.trials, "patients": args.patients, "status_profile": status_profile(args)}
    if not args.reuse:
        admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}"')
        admin_sql(args, f'CREATE DATABASE "{args.db}"')
    try:
        if not args.reuse:
            generator = subprocess.run([sys.executable, __file__, *(argv or sys.argv[1:]), "--generate"],
                                       check=True, capture_output=True, text=True)
            figures.update(json.loads(generator.stdout.strip().splitlines()[-1]))
            print(f"generated in {figures['generate_total_s']} s", file=sys.stderr)
        worker = subprocess.run([sys.executable, __file__, *(argv or sys.argv[1:]), "--worker"], check=True,
                                capture_output=True, text=True)
        figures.update(json.loads(worker.stdout.strip().splitlines()[-1]))
    except subprocess.CalledProcessError as error:
        sys.stderr.write(error.stderr)
        raise
    finally:
        if not args.keep:
            admin_sql(args, f'DROP DATABASE IF EXISTS "{args.db}"')
    figures["targets"] = TARGETS
    figures["meets_targets"] = (
        figures["patient_p95_ms"] < TARGETS["patient_p95_ms"]
        and figures["narrowing_speedup"] >= TARGETS["narrowing_speedup"]
        and figures["trial_seconds"] < TARGETS["trial_seconds"]
        and figures["worker_peak_rss_mb"] < TARGETS["worker_peak_rss_mb"]
    )
    for key, value in figures.items():
        if key != "targets":
            print(f"{key:>28}: {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
