import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: refuse here to serve with production settings missing (config/checks.py).
from config.checks import refuse_to_start_if_unsafe  # noqa: E402

refuse_to_start_if_unsafe()

# Read the packaged ZIP data as the worker starts, so no patient's first request waits for it.
from intake.geo import warm  # noqa: E402

warm()
