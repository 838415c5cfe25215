"""TrialBridge settings: one file, driven by environment variables.

Defaults run a fresh checkout on SQLite with tasks in-process; production sets DEBUG=False,
SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL and ALLOWED_HOSTS.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40
# Earlier keys, comma-separated, still accepted when checking signatures (status links, sessions): rotate by
# setting a new SECRET_KEY and moving the old one here until the links and sessions it signed are no longer needed.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address e-mailed links start with; required, https, when DEBUG is off (config/checks.py).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")

INSTALLED_APPS = [
    "config.apps.TrialBridgeAdminConfig",  # the admin, asking for the optional second factor too
    "config.apps.ProjectConfig",  # the production settings checks (config/checks.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap's files served by us, no CDN
    "formtools",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "trials",
    "intake",
    "consent",
    "matches",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.RateLimitMiddleware",  # after the language is known: the refusal is translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once they pass a TOTP token (optional two-factor for staff).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.NoStoreForPrivatePagesMiddleware",
    # Last, as django-axes asks: it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections: opening one costs more than a one-insert form POST itself (DESIGN.md).
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests only: Argon2 on purpose costs tens of milliseconds per login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "matches:queue"
LOGOUT_REDIRECT_URL = "intake:landing"

# Proxies in front of gunicorn that append the client's address to X-Forwarded-For (the HTTPS load balancer: 1).
# 0 reads REMOTE_ADDR and never the header, which anyone can send. config.middleware.client_ip reads it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# django-axes: lock an account+address pair out after repeated failures, for an hour. The address is the client's
# own (behind the load balancer too), so one person's wrong passwords never lock a colleague out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_USERNAME_CALLABLE = "config.middleware.sign_in_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# django-otp: the issuer name shown in the staff member's authenticator app.
OTP_TOTP_ISSUER = "TrialBridge"

# Staff sessions end when idle; patients have no session worth keeping beyond the wizard.
# Database sessions: the intake's answers so far live here, not in a cookie, and survive a cache restart.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 2)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The console backend suits development only: with DEBUG off, config/checks.py refuses it (it would print patients'
# addresses and private links to the logs) and requires a real one.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # seconds: a hung mail server must not hold a worker
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))  # for the file-based backend only
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "TrialBridge <no-reply@trialbridge.example>")

# Celery. With no broker configured, tasks run in-process so `make run` shows matches at once.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Time limits stay well below Redis' visibility timeout, so a task is never redelivered while running.
# A message a dead worker held comes back after the visibility timeout (the fault tests shorten it).
VISIBILITY_TIMEOUT_S = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": VISIBILITY_TIMEOUT_S,
    # Look for such messages every tenth of the timeout (at most every minute), not kombu's default ~100 s.
    "unacked_restore_interval": min(60, max(1, VISIBILITY_TIMEOUT_S // 10)),
    "unacked_restore_throttle": 1,
    # A broker that vanishes without closing the connection must not hang a patient's request.
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
if not CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < VISIBILITY_TIMEOUT_S:
    raise ImproperlyConfigured("Celery needs soft time limit < time limit < visibility timeout")
CELERY_TASK_DEFAULT_QUEUE = "interactive"
CELERY_TASK_ROUTES = {
    "matches.tasks.match_trial": {"queue": "bulk"},
    "matches.tasks.sweep": {"queue": "bulk"},
    "consent.tasks.sweep_lapsed_authorizations": {"queue": "bulk"},
    "trials.tasks.run_import": {"queue": "bulk"},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Structured, health-data-free logs: only ids and outcomes are ever logged.
# Every line goes through one handler that masks private status links (config/log_filters.py): Django's own
# "django" and "django.server" loggers are pointed at it too, instead of their default handlers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_status_links": {"()": "config.log_filters.MaskStatusLinks"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_status_links"]},
        # Django's error e-mails to ADMINS, as by default; their report is masked too (DEFAULT_EXCEPTION_REPORTER).
        "mail_admins": {"class": "django.utils.log.AdminEmailHandler", "level": "ERROR",
                        "filters": ["require_debug_false", "mask_status_links"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"level": "WARNING"},
        # fpdf2 subsets the PDF copy's font with fontTools, which reports every table it touches at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
# Error reports (e-mails to ADMINS, debug pages) show no POST data, cookies or local variables, and no status link.
DEFAULT_EXCEPTION_REPORTER_FILTER = "consent.privacy.HealthDataExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "consent.privacy.HealthDataExceptionReporter"

# Security headers that hold in every environment; HTTPS-only ones when DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp 4): our own files only. Bootstrap is served from our static files, and
# no template carries an inline script or style; Bootstrap's CSS draws its form icons as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# POSTs allowed per client address (config.middleware.client_ip) and window (config.middleware.RateLimitMiddleware):
# (requests, seconds).
# The intake wizard posts once per step, six to eight times per intake.
RATE_LIMITS = {
    "/intake/": (env_int("RATE_LIMIT_INTAKE_PER_MINUTE", 40), 60),
    "/authorize/": (env_int("RATE_LIMIT_SIGN_PER_MINUTE", 10), 60),
    "/accounts/login/": (env_int("RATE_LIMIT_LOGIN_PER_MINUTE", 10), 60),
    "/admin/login/": (env_int("RATE_LIMIT_LOGIN_PER_MINUTE", 10), 60),
    # Each request for a new status link e-mails the patient and replaces their link: a handful an hour is plenty.
    "/status-link/": (env_int("RATE_LIMIT_STATUS_LINK_PER_HOUR", 5), 3600),
}
# Rate-limit counters must be shared by every web process: Redis when CACHE_URL is set, else this process only
# (development; required when DEBUG is off, config/checks.py).
CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# ClinicalTrials.gov import: an OncoTree release file (JSON tree, e.g. oncotree_2025_10_03.json) whose names
# the importer reads cancer conditions with; read at run time, never kept in the repository. Empty: our own
# vocabulary and MeSH table only.
ONCOTREE_PATH = env_str("ONCOTREE_PATH")

# ClinicalTrials.gov import files (command and admin upload alike, trials/ctgov/readers.py): what one file may
# decompress to, what an archive's members may add up to, and how many it may hold. Beyond them a file is reported
# by name and skipped, never held in memory (a 299 KB .json.gz can inflate to gigabytes).
IMPORT_MAX_FILE_MB = env_int("IMPORT_MAX_FILE_MB", 64)
IMPORT_MAX_ARCHIVE_MB = env_int("IMPORT_MAX_ARCHIVE_MB", 1024)
IMPORT_MAX_ARCHIVE_MEMBERS = env_int("IMPORT_MAX_ARCHIVE_MEMBERS", 20_000)

# Matching
MATCH_CHUNK_SIZE = env_int("MATCH_CHUNK_SIZE", 2000)
DEFAULT_TRAVEL_RADIUS_KM = env_int("DEFAULT_TRAVEL_RADIUS_KM", 160)

# The team whose members see every patient flagged urgent (PHQ-9 item 9), whatever trials they matched, in the
# coordinators' urgent view. Patients are told a coordinator will see their answers need prompt attention only
# while this team exists and has an active member.
SAFETY_TEAM_NAME = env_str("SAFETY_TEAM_NAME", "Safety")

# Intakes nobody signed are erased this many days after they were started (intake.tasks.erase_unsigned_intakes).
UNSIGNED_INTAKE_DAYS = env_int("UNSIGNED_INTAKE_DAYS", 7)
