"""WSGI entry point for the load benchmark's site (bench.load_site), served by gunicorn like config.wsgi."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
application = get_wsgi_application()

from django.urls import resolve  # noqa: E402  (after the settings are loaded)

from intake.geo import warm  # noqa: E402

# What each worker would otherwise do on its first request, inside some user's timing: read the ZIP data (~0.8 s)
# and import every view through the URLconf.
warm()
resolve("/healthz")
