"""Health data stays in the database: never in logs, task messages, URLs or e-mails, even when things fail."""

import logging
import uuid

import pytest
from celery.app.task import Task
from django.core import mail

import matches.services
import matches.tasks
from consent import views as consent_views
from intake.models import Patient
from matches.services import matching
from tests.conftest import make_patient

from .conftest import sign_form, start_signing


@pytest.fixture
def marker():
    return f"zqx{uuid.uuid4().hex}"


@pytest.fixture
def task_messages(monkeypatch):
    """Every task sent, as (name, args, kwargs): what would go to the broker."""
    sent = []
    original = Task.apply_async

    def recording_apply_async(self, args=None, kwargs=None, **options):
        sent.append((self.name, args, kwargs))
        return original(self, args, kwargs, **options)

    monkeypatch.setattr(Task, "apply_async", recording_apply_async)
    return sent


@pytest.fixture
def every_log(caplog):
    caplog.set_level(logging.DEBUG)
    # Loggers that may not propagate to the root get the capture handler directly.
    extra = [logging.getLogger(name) for name in ("django.request", "django", "celery", "celery.app.trace")]
    for logger in extra:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in extra:
        logger.removeHandler(caplog.handler)


def log_text(caplog):
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) + repr(record.args) for record in caplog.records)


@pytest.mark.django_db
def test_a_planted_marker_is_found_nowhere_but_the_database(
    client, settings, marker, task_messages, every_log, lung_trial, authorization_text, monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.ADMINS = [("Operations", "ops@example.com")]  # so an error e-mails its report, as in production
    settings.DEBUG = False
    client.raise_request_exception = False
    patient = make_patient(full_name=f"Pat {marker}", email="pat@example.com",
                           answers={"ecog": 1, "stage": "IV", "medications": [f"drug:{marker}"],
                                    "medication_notes": marker})
    urls = []

    # 1. A view fails while handling the signature (the marker is in the POST).
    start_signing(client, patient)
    with monkeypatch.context() as m:
        m.setattr(consent_views, "sign_authorization", lambda **kw: (_ for _ in ()).throw(
            RuntimeError(f"lost the database while signing for patient {kw['patient'].pk}")))
        failed = client.post("/authorize/", sign_form(authorization_text, signed_name=f"Pat {marker}"))
    assert failed.status_code == 500
    assert len(mail.outbox) == 1, "the error report went to ADMINS"

    # 2. The patient signs; the match task runs; pages redirect.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/authorize/", sign_form(authorization_text, signed_name=f"Pat {marker}"),
                               follow=True)
    urls += [url for url, _status in response.redirect_chain]
    assert patient.matches.exists()
    status = client.get(f"/status/{patient.status_token()}/", follow=True)
    urls += [url for url, _status in status.redirect_chain] + [status.request["PATH_INFO"]]

    # 3. A task fails.
    monkeypatch.setattr(matching, "load_vocabulary",
                        lambda: (_ for _ in ()).throw(RuntimeError("vocabulary unavailable")))
    with pytest.raises(RuntimeError) as failure:
        matches.tasks.match_patient.delay(patient.pk)
    assert marker not in str(failure.value)

    assert task_messages, "the flow sent tasks"
    for name, args, kwargs in task_messages:
        assert marker not in repr((args, kwargs)), name
        assert all(isinstance(arg, (int, str)) for arg in (args or ())), (name, args)
    assert every_log.records
    assert marker not in log_text(every_log)
    for message in mail.outbox:
        parts = [message.subject, message.body, *[content for content, _type in getattr(message, "alternatives", [])]]
        assert marker not in "\n".join(parts)
    assert urls and all(marker not in url for url in urls)
    assert Patient.objects.filter(full_name__contains=marker, answers__medication_notes=marker).exists()


@pytest.mark.django_db
def test_error_reports_hide_post_data_and_local_variables(rf, marker):
    from django.views.debug import ExceptionReporter

    request = rf.post("/intake/", {"full_name": marker})
    try:
        secret = marker  # noqa: F841 - a local variable the report must not show
        raise ValueError("boom")
    except ValueError as error:
        report = ExceptionReporter(request, type(error), error, error.__traceback__)
        assert marker not in report.get_traceback_text()
        assert marker not in report.get_traceback_html()
