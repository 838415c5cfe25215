from django.db import connection
from django.http import JsonResponse

from .celery import app


def healthz(request):
    """200 when the database and the broker answer; 503 naming what does not."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure is reported, none is raised
        checks["database"] = "unavailable"
    if app.conf.task_always_eager:
        checks["broker"] = "in-process"
    else:
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:  # noqa: BLE001
            checks["broker"] = "unavailable"
    healthy = all(value in ("ok", "in-process") for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
