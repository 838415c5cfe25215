"""The corpus check .ci/corpus-checks runs: import the shared ClinicalTrials.gov corpus into a scratch database,
print the counts, and evaluate every imported trial's rule against sample profiles.

    python -m trials.ctgov.corpus_check create|drop   # scratch database named by $DATABASE_URL
    python -m trials.ctgov.corpus_check run DATA_DIR  # exit status 1 on a crash, an unexplained skip or a rule error
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from datetime import date

# Reasons a real record may be skipped for; anything else (a database refusal above all) is a bug to look at.
EXPLAINED = ("older than the stored record", "missing NCT id", "malformed NCT id", "malformed minimum age",
             "malformed maximum age", "implausible minimum age", "minimum age above maximum age", "broken XML",
             "broken JSON", "unknown sex")


def _admin_connection():
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(dbname="postgres", user=config["USER"], password=config["PASSWORD"] or None,
                            host=config["HOST"], port=config["PORT"] or 5432)
    conn.autocommit = True
    return conn, config["NAME"]


def create_or_drop(action):
    conn, name = _admin_connection()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if action == "create":
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def sample_profiles():
    from trials.eligibility import Profile

    return {
        "lung adenocarcinoma, 56, female, Houston": Profile(
            birth_date=date(1970, 5, 1), sex="female", condition_codes=["onc:LUAD"], ecog=1, stage="IV",
            biomarkers={"EGFR": "positive"}, prior_lines=1, pregnant=False, latitude=29.7, longitude=-95.4,
            travel_radius_km=100),
        "depression, 46, male, Chicago": Profile(
            birth_date=date(1980, 2, 10), sex="male", condition_codes=["psy:MDD"], phq9=16, gad7=7,
            medications=["drug:duloxetine"], antidepressant_trials=2, suicidal_ideation=False,
            latitude=41.9, longitude=-87.6, travel_radius_km=50),
        "chronic low back pain, 35, female": Profile(
            birth_date=date(1991, 7, 3), sex="female", condition_codes=["pain:CLBP"], pregnant=True),
        "child, nothing else known": Profile(birth_date=date(2019, 1, 1)),
        "nothing known": Profile(),
    }


def run(data_dir):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from trials.ctgov import import_paths
    from trials.eligibility import evaluate
    from trials.models import Trial

    failures = []
    figures = {}
    for label, name in (("API v2 JSON", "ctgov_v2_studies.jsonl.gz"),
                        ("legacy XML", "ctgov_legacy_xml_6786_studies.tar.gz")):
        started = time.perf_counter()
        summary = import_paths([os.path.join(data_dir, name)])
        seconds = time.perf_counter() - started
        print(f"== {label}: {name} ({seconds:.1f} s, {summary.read / seconds:.0f} studies/s)")
        print("\n".join(summary.lines(max_skips=20)))
        unexplained = [s for s in summary.skipped if not s[2].startswith(EXPLAINED)]
        for origin, nct_id, reason in unexplained:
            failures.append(f"unexplained skip: {origin} {nct_id}: {reason}")
        if summary.read == 0:
            failures.append(f"{name}: no records read")
        figures[label] = {"read": summary.read, "seconds": round(seconds, 1), **{
            k: v for k, v in summary.to_dict().items() if k not in ("skipped_records", "top_unmapped_conditions")}}

    print("== counts over every imported trial")
    trials = Trial.objects.filter(source=Trial.Source.CTGOV).prefetch_related("sites")
    kinds, by_status = Counter(), Counter()
    mapped = unmapped = 0
    unmapped_terms = Counter()
    verdicts = Counter()
    profiles = sample_profiles()
    today = date.today()
    for trial in trials.iterator(chunk_size=500):
        by_status[trial.overall_status] += 1
        if trial.condition_codes:
            mapped += 1
        else:
            unmapped += 1
        unmapped_terms.update(trial.unmapped_conditions)
        kinds.update(s["kind"] for s in trial.criteria_suggestions)
        sites = list(trial.sites.all())
        rule = trial.rule(sites)
        locations = trial.site_locations(sites)
        for name, profile in profiles.items():
            try:
                verdict = evaluate(rule, profile, today=today, sites=locations)
            except Exception as exc:  # noqa: BLE001 - the check reports every failure, then fails
                failures.append(f"{trial.ref}: rule failed for profile {name!r}: {exc!r}")
                continue
            verdicts[(name, verdict.outcome)] += 1
    print(f"trials: {mapped + unmapped}; conditions mapped {mapped}, unmapped {unmapped}")
    print("by status: " + ", ".join(f"{k} {v}" for k, v in by_status.most_common()))
    print("suggestions per kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("most frequent unmapped conditions: " + "; ".join(f"{k} ({v})" for k, v in unmapped_terms.most_common(15)))
    print("verdicts over sample profiles:")
    for name in profiles:
        counts = {outcome: verdicts[(name, outcome)] for outcome in ("eligible", "possible", "not_eligible")}
        print(f"  {name}: {counts}")
    for failure in failures[:50]:
        print("FAIL", failure)
    print(json.dumps({"ok": not failures, "failures": len(failures), "mapped": mapped, "unmapped": unmapped,
                      "suggestions": dict(sorted(kinds.items())), "imports": figures}))
    return 0 if not failures else 1


if __name__ == "__main__":
    if sys.argv[1] in ("create", "drop"):
        create_or_drop(sys.argv[1])
        sys.exit(0)
    sys.exit(run(sys.argv[2]))
