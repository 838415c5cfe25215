"""Production fails closed: with DEBUG off, settings that would print patients' e-mail and status links to a
console, send links nobody can open, or keep rate limits per process stop the start-up and `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

COMPLETE = {
    "DEBUG": "false", "ALLOWED_HOSTS": "trials.example.org", "CSRF_TRUSTED_ORIGINS": "https://trials.example.org",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.org",
    "SITE_URL": "https://trials.example.org", "CACHE_URL": "redis://127.0.0.1:6379/15",
}

# (what is wrong, the environment's changes, the check's id, words of its message)
BROKEN = [
    ("no e-mail backend set (the console one)", {"EMAIL_BACKEND": None}, "trialbridge.E001", "EMAIL_BACKEND"),
    ("the console backend", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
     "trialbridge.E001", "console"),
    ("the in-memory backend", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
     "trialbridge.E001", "locmem"),
    ("SMTP with no server", {"EMAIL_HOST": None}, "trialbridge.E002", "EMAIL_HOST"),
    ("no SITE_URL", {"SITE_URL": None}, "trialbridge.E003", "SITE_URL"),
    ("a plain-http SITE_URL", {"SITE_URL": "http://trials.example.org"}, "trialbridge.E004", "https"),
    ("no CACHE_URL", {"CACHE_URL": None}, "trialbridge.E005", "CACHE_URL"),
]


def environment(**changes):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "CELERY_BROKER_URL", *COMPLETE)}
    env.update(COMPLETE, SECRET_KEY=secrets.token_urlsafe(50))
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args, env, timeout=120):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_complete_production_settings_pass_check_deploy():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("what, changes, check_id, words", BROKEN, ids=[b[0] for b in BROKEN])
def test_check_deploy_refuses(what, changes, check_id, words):
    result = run([sys.executable, "manage.py", "check", "--deploy"], environment(**changes))
    assert result.returncode != 0
    assert check_id in result.stderr and words in result.stderr, result.stderr


@pytest.mark.parametrize("what, changes, check_id, words", BROKEN, ids=[b[0] for b in BROKEN])
def test_the_web_process_refuses_to_start(what, changes, check_id, words):
    result = run([sys.executable, "-c", "import config.wsgi"], environment(**changes))
    assert result.returncode != 0
    assert check_id in result.stderr and words in result.stderr, result.stderr[-2000:]


def test_the_web_process_starts_with_complete_settings():
    result = run([sys.executable, "-c", "import config.wsgi; print('started')"], environment())
    assert result.returncode == 0 and "started" in result.stdout, result.stderr[-2000:]


@pytest.mark.parametrize("command", [["worker", "--pool", "solo"], ["beat"]])
def test_a_celery_process_refuses_to_start_without_a_mail_server(command, tmp_path):
    env = environment(EMAIL_BACKEND=None, CELERY_BROKER_URL="redis://127.0.0.1:6379/15")
    extra = ["--schedule", str(tmp_path / "beat-schedule")] if command == ["beat"] else []
    result = run([str(Path(sys.executable).parent / "celery"), "-A", "config", *command, *extra], env, timeout=120)
    assert result.returncode != 0
    assert "trialbridge.E001" in result.stdout + result.stderr


def test_with_debug_on_the_development_defaults_are_fine():
    env = environment(DEBUG="true", EMAIL_BACKEND=None, SITE_URL=None, CACHE_URL=None, EMAIL_HOST=None)
    result = run([sys.executable, "manage.py", "check"], env)
    assert result.returncode == 0, result.stderr
