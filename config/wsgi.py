import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Read the packaged ZIP data as the worker starts, so no patient's first request waits for it.
from intake.geo import warm  # noqa: E402

warm()
