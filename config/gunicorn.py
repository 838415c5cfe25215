"""gunicorn's settings: `gunicorn -c config/gunicorn.py config.wsgi` (the Procfile does).

Its access and error lines go through the same filter as Django's (config/log_filters.py), so the private status
link in a request's path or referrer is written as /status/[link]/.
"""

import os

bind = os.environ.get("SERVE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_tmp_dir = "/dev/shm"  # heartbeat files off the disk: a slow disk must not get workers killed
graceful_timeout = 20
timeout = 30

accesslog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_status_links": {"()": "config.log_filters.MaskStatusLinks"}},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {"class": "logging.StreamHandler", "formatter": "generic", "stream": "ext://sys.stderr",
                          "filters": ["mask_status_links"]},
        "access_console": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout",
                           "filters": ["mask_status_links"]},
    },
    "root": {"handlers": ["error_console"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access_console"], "level": "INFO", "propagate": False},
    },
}
