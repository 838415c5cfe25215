#!/usr/bin/env python
"""Load benchmark: patients submitting intakes while coordinators browse their queue, on loopback only.

    .venv/bin/python bench/load.py [--seconds 20] [--users 16] [--patients 100000]

Builds its own PostgreSQL database (tb_load on 127.0.0.1:5432) and uses Redis db 7, serves config.wsgi with
gunicorn and runs an interactive (two processes, as the Procfile) and a bulk Celery worker. Three timed phases,
each bounded by --seconds:
1. mixed (capacity): 3/4 of the users are patients (intake wizard → sign → status page), 1/4 coordinators
   (queue), each sending the next request as soon as the last is answered, so the two cores saturate;
2. paced (the target): the same users pausing 0.5–1.5 s after each page (locust's wait_time), as people
   reading and typing;
3. bulk: a trial is re-matched over --patients consented patients on the bulk queue while patients sign;
   the time from signing to their first match being in the database is measured.
Prints a table and ends with one line of JSON.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Another run at the same time picks its own: TB_LOAD_DB=tb_load2 TB_LOAD_REDIS_DB=8 TB_LOAD_PORT=8094.
# gunicorn's workers and threads per worker: WEB_CONCURRENCY (default 3, as the Procfile) and WEB_THREADS (default 1);
# the Celery workers' processes: INTERACTIVE_CONCURRENCY (default 2) and BULK_CONCURRENCY (default 1), as the Procfile.
PORT = int(os.environ.get("TB_LOAD_PORT", "8093"))
DB = os.environ.get("TB_LOAD_DB", "tb_load")
REDIS_DB = os.environ.get("TB_LOAD_REDIS_DB", "7")
ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "SECURE_SSL_REDIRECT": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "FAST_PASSWORD_HASHER": "true",
    # What production requires (config/checks.py): mail to files, an https site address, a shared cache.
    "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    "EMAIL_FILE_PATH": os.path.join(tempfile.gettempdir(), f"tb-load-mail-{DB}"),
    "SITE_URL": "https://127.0.0.1",
    "CACHE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
    "LOG_LEVEL": "WARNING",
    # One client address makes every request here: lift the per-address limits for the benchmark only.
    "RATE_LIMIT_INTAKE_PER_MINUTE": "1000000000",
    "RATE_LIMIT_SIGN_PER_MINUTE": "1000000000",
    "RATE_LIMIT_LOGIN_PER_MINUTE": "1000000000",
    "AXES_FAILURE_LIMIT": "1000000",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
BIN = Path(PYTHON).parent


# ---------------------------------------------------------------- HTTP client, one keep-alive connection per user
class User:
    def __init__(self, paced=False):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.cookies = {}
        self.paced = paced

    def request(self, method, path, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, response.getheader("Location", ""), text


# Seconds a paced user ("paced" phase) waits after each page, as someone reading it and typing would: locust's
# wait_time. The other phases send the next request at once, to find the server's capacity.
PACE = (0.5, 1.5)
TARGETS = {"paced_intake_submit_p99_ms": 150, "signing_to_match_p95_s": 2}


def timed(samples, kind, user, method, path, data=None):
    started = time.perf_counter()
    status, location, text = user.request(method, path, data)
    samples.append((kind, (time.perf_counter() - started) * 1000, status))
    if user.paced:
        time.sleep(random.uniform(*PACE))
    return status, location, text


# The answers a patient types where every patient is asked the same; the wizard's other steps (the questions a
# lung cancer's trials ask, the pages with no field) are answered from the page itself: "I don't know" where it is
# offered, else the first choice.
KNOWN = {
    "about": {"birth_date_day": "1", "birth_date_month": "5", "birth_date_year": "1970", "sex": "female",
              "postal_code": "77030", "travel_radius": "any"},
    "condition": {"condition_code": "onc:LUAD"},
    "contact": {"full_name": "Load Patient", "phone": ""},
}
FIELD = re.compile(r"<(input|select)\b([^>]*)>(.*?</select>)?", re.S)
ATTR = re.compile(r'([a-z_-]+)="([^"]*)"')


def page_answers(step, page):
    """What a patient in a hurry answers on this step's page: every field named `<step>-…` once."""
    answers = {}
    for tag, attributes, options in FIELD.findall(page):
        attrs = dict(ATTR.findall(attributes))
        name = attrs.get("name", "")
        if not name.startswith(f"{step}-") or attrs.get("type") in ("hidden", "submit"):
            continue
        values = ATTR.findall(options) if tag == "select" else [("value", attrs.get("value", "on"))]
        values = [value for key, value in values if key == "value"]
        if name in answers and answers[name] == "unknown":
            continue
        if "unknown" in values or name not in answers:
            answers[name] = "unknown" if "unknown" in values else (values[0] if values else "")
    return answers


def patient_visit(user, samples, n):
    """One patient: the intake wizard step by step (GET each page, POST it, follow the redirect), the
    authorization, the status page. Returns (status path, signed at) or None."""
    user.cookies.clear()
    status, location, page = timed(samples, "intake_page", user, "GET", "/intake/")
    for _request in range(40):  # a GET and a POST per step, with room to spare
        if status == 302:
            if not location.split("?")[0].rstrip("/").split("/")[-2:-1] == ["intake"]:
                break  # left the wizard: on to the authorization
            status, location, page = timed(samples, "intake_page", user, "GET", urllib.parse.urlparse(location).path)
            continue
        step = re.search(r'name="intake_wizard-current_step" value="([a-z_]+)"', page)
        if status != 200 or not step:
            return None
        step = step.group(1)
        answers = page_answers(step, page)
        answers.update({f"{step}-{key}": value for key, value in KNOWN.get(step, {}).items()})
        if step == "contact":
            answers["contact-email"] = f"load{n}@example.com"
        status, location, page = timed(samples, "intake_submit" if step == "review" else "intake_step", user,
                                       "POST", "/intake/", {**answers, "intake_wizard-current_step": step})
    if "/authorize/" not in location:
        return None
    _, _, page = user.request("GET", "/authorize/")
    version = re.search(r'name="text_version_id" value="(\d+)"', page)
    status, _, _ = timed(samples, "sign", user, "POST", "/authorize/",
                         {"certify": "on", "signed_name": "Load Patient", "relationship": "self",
                          "text_version_id": version.group(1) if version else ""})
    signed_at = time.time()
    _, _, done = user.request("GET", "/authorize/done/")
    found = re.search(r'href="https?://[^/]+(/status/[^"]+/)"', done)
    if not found:
        return None
    timed(samples, "status_page", user, "GET", found.group(1))
    return found.group(1), signed_at


def coordinator_visit(user, samples):
    if "sessionid" not in user.cookies:
        user.request("GET", "/accounts/login/")
        user.request("POST", "/accounts/login/", {"username": "coord.onc", "password": "demo-pass-2026"})
    timed(samples, "queue", user, "GET", "/coordinator/")


def run_users(phase, users, seconds, out):
    """In one process: `users` threads doing `phase` until the deadline; put (samples, signed) on out."""
    samples, signed, deadline = [], [], time.monotonic() + seconds
    coordinators = max(1, users // 4) if phase in ("mixed", "paced") else 0
    paced = phase == "paced"

    def loop(index):
        user, n = User(paced), 0
        while time.monotonic() < deadline:
            n += 1
            try:
                if index < coordinators:
                    coordinator_visit(user, samples)
                else:
                    result = patient_visit(user, samples, f"{os.getpid()}-{index}-{n}")
                    if result and phase == "bulk":
                        signed.append(result)
            except (OSError, http.client.HTTPException):
                samples.append(("error", 0.0, 0))
                user = User(paced)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((samples, signed))


def load(phase, users, seconds, processes=4):
    out = multiprocessing.Queue()
    per = [users // processes + (1 if i < users % processes else 0) for i in range(processes)]
    workers = [multiprocessing.Process(target=run_users, args=(phase, n, seconds, out)) for n in per if n]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    return [s for r in results for s in r[0]], [s for r in results for s in r[1]], elapsed


def summarize(samples, elapsed):
    figures = {}
    for kind in sorted({s[0] for s in samples}):
        times = sorted(s[1] for s in samples if s[0] == kind)
        bad = sum(1 for s in samples if s[0] == kind and s[2] >= 500)
        figures[kind] = {"n": len(times), "rps": round(len(times) / elapsed, 1), "p50_ms": round(pct(times, 50), 1),
                         "p99_ms": round(pct(times, 99), 1), "errors_5xx": bad}
    return figures


def pct(values, p):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---------------------------------------------------------------- the system under test
def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True, env={**os.environ})


def fresh_database():
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {DB}")
    conn.close()
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("load_demo")
    manage("collectstatic", "--noinput", "-v", "0")


def seed_patients(count):
    """`count` consented lung-adenocarcinoma patients, written in bulk straight into the benchmark database."""
    import django

    django.setup()
    from datetime import date, timedelta

    from consent.models import Authorization, AuthorizationText
    from consent.services import sign_authorization
    from intake.models import Patient
    from intake.services import submit_intake

    template = submit_intake(language="en", full_name="Seed Patient", email="seed@example.com",
                             birth_date=date(1965, 1, 1), sex="female", postal_code="77030",
                             condition_code="onc:LUAD", answers={"ecog": 1, "stage": "IV"})
    signed = sign_authorization(patient=template, text=AuthorizationText.objects.current(), language="en",
                                signed_name="Seed Patient")
    started = time.monotonic()
    skip = {"id", "patient", "public_id", "reference"}
    patient_fields = {f.attname: getattr(template, f.attname) for f in Patient._meta.concrete_fields
                      if f.name not in skip}
    auth_fields = {f.attname: getattr(signed, f.attname) for f in Authorization._meta.concrete_fields
                   if f.name not in {"id", "patient"}}
    for offset in range(0, count, 5000):
        batch = [Patient(**{**patient_fields, "birth_date": date(1950, 1, 1) + timedelta(days=(offset + i) % 15000)})
                 for i in range(min(5000, count - offset))]
        Patient.objects.bulk_create(batch)
        Authorization.objects.bulk_create([Authorization(patient=p, **auth_fields) for p in batch])
    # They were matched already as far as the sweep is concerned: only the trial re-match below touches them.
    Patient.objects.update(matched_at=signed.signed_at)
    return round(count / (time.monotonic() - started))


def start_servers():
    log = open(Path(tempfile.gettempdir()) / "trialbridge-load-servers.log", "wb")
    common = dict(cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    processes = [
        subprocess.Popen([str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
                          "--workers", os.environ.get("WEB_CONCURRENCY", "3"), "--worker-tmp-dir", "/dev/shm",
                          "--threads", os.environ.get("WEB_THREADS", "1")], **common),
        subprocess.Popen([str(BIN / "celery"), "-A", "config", "worker", "-Q", "interactive",
                          "-c", os.environ.get("INTERACTIVE_CONCURRENCY", "2"),
                          "-n", "load-interactive@%h", "--without-gossip", "--without-mingle", "-l", "WARNING"],
                         **common),
        subprocess.Popen([str(BIN / "celery"), "-A", "config", "worker", "-Q", "bulk",
                          "-c", os.environ.get("BULK_CONCURRENCY", "1"),
                          "-n", "load-bulk@%h", "--without-gossip", "--without-mingle", "-l", "WARNING"], **common),
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = User().request("GET", "/healthz")
            if status == 200:
                break
        except OSError:
            time.sleep(0.3)
    time.sleep(3)  # let the workers connect
    return processes


def stop_servers(processes):
    import signal

    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # the bulk worker is still inside the 100,000-patient run: no need
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    # A killed worker's query keeps PostgreSQL busy until it ends: end this database's sessions too.
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                       "pg_backend_pid()", [DB])
    conn.close()


def signing_to_match(signed, deadline_s=30):
    """Seconds from each signing until its patient's first match row exists (NaN if never within the deadline)."""
    from intake.models import Patient
    from matches.models import MatchEvent

    latencies = []
    waiting = {}
    for status_path, signed_at in signed:
        patient = Patient.from_status_token(status_path.strip("/").split("/")[1])
        if patient:
            waiting[patient.pk] = signed_at
    give_up = time.time() + deadline_s
    first_seen = {}
    while waiting and time.time() < give_up:
        created = MatchEvent.objects.filter(kind=MatchEvent.Kind.CREATED, match__patient_id__in=list(waiting))
        for patient_id, when in created.values_list("match__patient_id", "at"):
            first_seen.setdefault(patient_id, when.timestamp())
        for patient_id in list(waiting):
            if patient_id in first_seen:
                latencies.append(first_seen[patient_id] - waiting.pop(patient_id))
        time.sleep(0.05)
    return sorted(latencies), len(waiting)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()

    fresh_database()
    seed_rate = seed_patients(args.patients)
    # load_demo queued a re-match of each of its 44 trials; once the bulk worker starts they would run over the
    # seeded patients through every phase. The bulk phase below starts the one bulk run this benchmark means.
    subprocess.run(["redis-cli", "-n", REDIS_DB, "flushdb"], check=True, capture_output=True)
    processes = start_servers()
    load_before = open("/proc/loadavg").read().split()[:3]
    try:
        # The saturated phase first: it also takes every web process through its first requests (templates
        # compiled, the vocabulary read), which are not what a patient meets on a running site.
        mixed, _, mixed_s = load("mixed", args.users, args.seconds)
        paced, _, paced_s = load("paced", args.users, args.seconds)

        from matches.models import Match
        from matches.tasks import match_trial
        from trials.models import Trial

        trial = Trial.objects.filter(overall_status="RECRUITING", condition_codes__contains=["onc:NSCLC"]).first()
        before = Match.objects.filter(trial=trial).count()
        bulk_started = time.monotonic()
        match_trial.delay(trial.pk)
        # Fewer patients sign here: the point is their wait while the bulk run holds the other worker.
        _, signed, _ = load("bulk", max(2, args.users // 4), args.seconds, processes=1)
        latencies, unmatched = signing_to_match(signed)
        trial.refresh_from_db()
        bulk_rows = Match.objects.filter(trial=trial).count() - before
        bulk_running = trial.matched_at is None or trial.matched_at.timestamp() > time.time() - 1 or \
            bulk_rows < args.patients
    finally:
        stop_servers(processes)

    figures = summarize(mixed, mixed_s)
    paced_figures = summarize(paced, paced_s)
    result = {
        "users": args.users, "seconds": args.seconds, "cpus": os.cpu_count(),
        "paced": {kind: paced_figures.get(kind) for kind in ("intake_step", "intake_submit", "sign", "status_page",
                                                            "queue")},
        "mixed": {kind: figures.get(kind) for kind in ("intake_step", "intake_submit", "sign", "status_page",
                                                      "queue")},
        "loadavg_before": load_before, "loadavg_after": open("/proc/loadavg").read().split()[:3],
        "signing_to_match_p50_s": round(pct(latencies, 50), 3), "signing_to_match_p95_s": round(pct(latencies, 95), 3),
        "signing_to_match_n": len(latencies), "signing_never_matched": unmatched,
        "bulk_patients": args.patients, "bulk_rows_written_during_run": bulk_rows,
        "bulk_still_running_at_end": bool(bulk_running), "bulk_elapsed_s": round(time.monotonic() - bulk_started, 1),
        "seed_rows_per_s": seed_rate,
        "targets": TARGETS,
    }
    result["meets_targets"] = (
        (paced_figures.get("intake_submit") or {}).get("p99_ms", float("inf")) < TARGETS["paced_intake_submit_p99_ms"]
        and result["signing_to_match_p95_s"] < TARGETS["signing_to_match_p95_s"] and not unmatched)
    for kind, f in {**{f"paced_{k}": v for k, v in paced_figures.items()},
                    **{f"mixed_{k}": v for k, v in figures.items()}}.items():
        print(f"{kind:20} n={f['n']:6} rps={f['rps']:8} p50={f['p50_ms']:7} ms p99={f['p99_ms']:7} ms "
              f"5xx={f['errors_5xx']}")
    print(f"signing→match p50={result['signing_to_match_p50_s']} s p95={result['signing_to_match_p95_s']} s "
          f"(n={len(latencies)}) during a re-match over {args.patients} patients")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
