"""Private status links never reach a log: Django's request log, error e-mails, gunicorn's access and error lines."""

import io
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

import matches.views.patient

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def console():
    """What the project's console handler (settings.LOGGING) writes, as text."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_404_under_a_status_link_is_logged_with_the_token_masked(db, console, signed_lung_patient):
    token = signed_lung_patient.status_token()
    assert Client().get(f"/status/{token}/no-such-page/").status_code == 404
    assert Client().get("/status/forged-token-0123456789/").status_code == 404
    logged = console.getvalue()
    assert "Not Found: /status/[link]/no-such-page/" in logged
    assert token not in logged and "forged-token-0123456789" not in logged


def test_a_500_on_a_status_page_masks_the_link_in_the_log_the_traceback_and_the_error_email(
    db, console, signed_lung_patient, settings, monkeypatch
):
    settings.DEBUG = False
    settings.ADMINS = [("Operations", "ops@example.com")]
    token = signed_lung_patient.status_token()

    def broken(patient):
        raise RuntimeError(f"could not read the authorization for /status/{token}/")

    monkeypatch.setattr(matches.views.patient, "current_authorization", broken)
    client = Client(HTTP_REFERER=f"https://trials.example.org/status/{token}/answers/")
    client.raise_request_exception = False
    assert client.get(f"/status/{token}/").status_code == 500
    logged = console.getvalue()
    assert "Internal Server Error: /status/[link]/" in logged and "RuntimeError" in logged
    assert token not in logged
    assert len(mail.outbox) == 1
    report = mail.outbox[0].subject + mail.outbox[0].body + "".join(c for c, _ in mail.outbox[0].alternatives)
    assert "/status/[link]/" in report
    assert token not in report


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_writes_access_and_error_lines_with_the_token_masked(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", SITE_URL="https://trials.example.org",
        CACHE_URL="redis://127.0.0.1:6379/15", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.org", SERVE_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1",
    )
    env["STATIC_ROOT"] = str(tmp_path / "static")  # production pages need collected static files and their manifest
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=120)
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py",
                                   "config.wsgi"], cwd=ROOT, env=env, stdout=stdout, stderr=stderr,
                                  start_new_session=True)
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/status/secret-token-in-the-path-42/",
                headers={"Referer": "https://trials.example.org/status/secret-token-in-the-referrer-43/"})
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(request, timeout=5)
                except urllib.error.HTTPError as error:
                    assert error.code == 404
                    break
                except (urllib.error.URLError, ConnectionError):
                    assert server.poll() is None, err.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.3)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    written = out.read_text() + err.read_text()
    assert "GET /status/[link]/ HTTP/1.1" in written  # the access line
    assert "Not Found: /status/[link]/" in written  # Django's request log
    assert "secret-token-in" not in written


def test_the_procfile_runs_gunicorn_with_the_masking_config():
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "-c config/gunicorn.py" in web
