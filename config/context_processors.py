"""What every page's frame (templates/base.html) links to, worked out once per process.

`{% static %}` looks each file up in the manifest and `{% url %}` walks the URLconf on every render, yet none
of the frame's links changes while the process runs (no language prefixes in the URLs, one manifest per
deployment).
"""

from functools import cache

from django.templatetags.static import static
from django.urls import reverse


@cache
def _frame():
    return {
        "bootstrap_css": static("bootstrap/css/bootstrap.min.css"),
        "site_css": static("css/site.css"),
        "home": reverse("intake:landing"),
        "queue": reverse("matches:queue"),
        "admin": reverse("admin:index"),
        "logout": reverse("logout"),
        "set_language": reverse("set_language"),
    }


def frame(request):
    return {"frame": _frame()}
