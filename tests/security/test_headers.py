"""What every response tells the browser, and what production settings must hold."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password

import config.settings as project_settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_forbids_sniffing_framing_and_foreign_scripts(client, db):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy


def test_the_status_page_is_never_stored_by_a_cache(client, signed_lung_patient):
    response = client.get(f"/status/{signed_lung_patient.status_token()}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_landing_page_may_be_cached_since_it_holds_no_health_data(client, db):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def _production_env(**extra):
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env.update(DEBUG="false", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="trials.example.org",
               CSRF_TRUSTED_ORIGINS="https://trials.example.org", SITE_URL="https://trials.example.org",
               CACHE_URL="redis://127.0.0.1:6379/15", EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
               EMAIL_HOST="smtp.example.org", **extra)
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=_production_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_hsts_secure_cookies_and_https():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=_production_env(),
                            capture_output=True, text=True, timeout=120)
    hsts_seconds, *flags = result.stdout.split()[-5:]
    assert int(hsts_seconds) >= 60 * 60 * 24 * 365
    assert flags == ["True"] * 4


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    del env["SECRET_KEY"]
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_passwords_are_hashed_with_argon2(settings):
    # The suite swaps in a fast hasher; the project's own setting is what production runs.
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert identify_hasher(make_password("correct horse battery")).algorithm == "argon2"


def test_every_post_form_on_the_walked_pages_carries_a_csrf_token(clients, onc_match, signed_lung_patient):
    token = signed_lung_patient.status_token()
    pages = {
        "anonymous": ["/", "/intake/", "/accounts/login/", f"/status/{token}/", f"/status/{token}/revoke/"],
        "coordinator": ["/coordinator/", f"/coordinator/matches/{onc_match.pk}/"],
        "admin": ["/admin/", "/admin/trials/trial/", "/admin/trials/trial/add/"],
    }
    forms_seen = 0
    for role, paths in pages.items():
        for path in paths:
            response = clients[role].get(path, follow=True)
            html = response.content.decode()
            for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.S | re.I):
                if re.search(r"method=[\"']?post", form, flags=re.I):
                    forms_seen += 1
                    assert "csrfmiddlewaretoken" in form, f"{path}: a POST form without a CSRF token"
    assert forms_seen >= 10


def test_a_post_without_a_csrf_token_is_refused(db, signed_lung_patient):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for path in ["/intake/", "/accounts/login/", f"/status/{signed_lung_patient.status_token()}/revoke/"]:
        assert client.post(path, {}).status_code == 403, path


def test_csrf_cookie_and_session_cookie_are_http_only():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
