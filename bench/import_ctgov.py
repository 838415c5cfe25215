"""Studies per second importing the shared ClinicalTrials.gov corpus, per format, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tb_bench_ctgov .venv/bin/python bench/import_ctgov.py [DATA_DIR]

Uses (and drops, then recreates) the database named in DATABASE_URL, migrates it, imports the API v2 file and the
legacy XML archive once each into the empty database (created), then again (unchanged: the hash shortcut).
Matching tasks are not run (no broker): they are background work measured elsewhere. Ends with one JSON line.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("CELERY_BROKER_URL", None)
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main():
    data = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SHARED_DATA", ROOT.parent / "shared" / "data"))
    data = data / "ctgov" if (data / "ctgov").is_dir() else data
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    from trials.ctgov.corpus_check import create_or_drop

    create_or_drop("create")
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
        import django

        django.setup()
        from trials.ctgov import import_paths

        figures = {}
        total_studies = total_seconds = 0
        for label, name in (("v2_json", "ctgov_v2_studies.jsonl.gz"), ("legacy_xml", "ctgov_legacy_xml_6786_studies.tar.gz")):  # noqa: E501
            for phase in ("first", "again"):
                started = time.perf_counter()
                summary = import_paths([data / name])
                seconds = time.perf_counter() - started
                figures[f"{label}_{phase}"] = {
                    "studies": summary.read, "seconds": round(seconds, 2),
                    "studies_per_s": round(summary.read / seconds, 1), "created": summary.created,
                    "unchanged": summary.unchanged, "skipped": len(summary.skipped),
                }
                print(f"{label} {phase}: {summary.read} studies in {seconds:.1f} s "
                      f"({summary.read / seconds:.0f}/s)", file=sys.stderr)
                if phase == "first":
                    total_studies += summary.read
                    total_seconds += seconds
        load = os.getloadavg()[0]
        print(json.dumps({"bench": "import_ctgov", "cpus": os.cpu_count(), "load_avg_1m": round(load, 1),
                          "corpus_studies": total_studies, "corpus_seconds": round(total_seconds, 1),
                          "target_seconds": 120, **figures}))
    finally:
        from django.db import connections

        connections.close_all()
        create_or_drop("drop")


if __name__ == "__main__":
    main()
