"""Production fails closed: with DEBUG off, settings that would leak or lose what patients are sent stop the start.

Registered by config.apps.ProjectConfig, so `check`, `check --deploy`, `migrate` and `runserver` report them;
the web process (config/wsgi.py) and every Celery worker and beat (config/celery.py) refuse to start on them,
since neither runs Django's checks by itself.
"""

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

# Backends that deliver nothing: the console one prints every patient's address and private link to the
# process's output (and so to its logs); the in-memory and dummy ones drop them.
UNDELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "console",
    "django.core.mail.backends.locmem.EmailBackend": "locmem",
    "django.core.mail.backends.dummy.EmailBackend": "dummy",
}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def production_settings(app_configs=None, **kwargs):
    """The settings production needs, as check errors; none while DEBUG is on."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.EMAIL_BACKEND in UNDELIVERING_EMAIL_BACKENDS:
        errors.append(Error(
            f"EMAIL_BACKEND is the {UNDELIVERING_EMAIL_BACKENDS[settings.EMAIL_BACKEND]} backend, which sends no "
            "mail: patients' status links would be printed to the logs or lost.",
            hint="Set EMAIL_BACKEND (e.g. django.core.mail.backends.smtp.EmailBackend) and EMAIL_HOST, EMAIL_PORT, "
                 "EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.",
            id="trialbridge.E001"))
    elif settings.EMAIL_BACKEND == SMTP_BACKEND and not settings.EMAIL_HOST:
        errors.append(Error("EMAIL_HOST is not set: the SMTP backend has no server to send through.",
                            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                                 "EMAIL_USE_TLS as the server needs).", id="trialbridge.E002"))
    if not settings.SITE_URL:
        errors.append(Error("SITE_URL is not set: e-mailed links would point nowhere.",
                            hint="Set SITE_URL to the site's public https:// address.", id="trialbridge.E003"))
    elif not settings.SITE_URL.lower().startswith("https://"):
        errors.append(Error(f"SITE_URL {settings.SITE_URL!r} is not https: private status links would travel "
                            "in the clear.", hint="Set SITE_URL to the site's https:// address.",
                            id="trialbridge.E004"))
    if not settings.CACHE_URL:
        errors.append(Error("CACHE_URL is not set: each web process would keep its own rate-limit counts, so "
                            "sign-in and intake limits would multiply by the number of processes.",
                            hint="Set CACHE_URL to a Redis database shared by every web process.",
                            id="trialbridge.E005"))
    return errors


def refuse_to_start_if_unsafe():
    """Raise ImproperlyConfigured, naming every problem, when production settings are incomplete."""
    errors = production_settings()
    if errors:
        raise ImproperlyConfigured("TrialBridge will not start with DEBUG off:\n" + "\n".join(
            f"{error.id}: {error.msg} {error.hint}" for error in errors))
