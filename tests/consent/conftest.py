import pytest
from django.db import connection

from consent.models import AuthorizationText
from consent.services import publish_authorization_text
from intake.views import PENDING_PATIENT_KEY
from tests.conftest import sign


@pytest.fixture
def matched_lung_patient(lung_patient, lung_trial, django_capture_on_commit_callbacks):
    """A signed adult patient with one match in the oncology queue (tasks run in-process)."""
    with django_capture_on_commit_callbacks(execute=True):
        sign(lung_patient)
    assert lung_patient.matches.count() == 1
    return lung_patient


def start_signing(client, patient):
    """Put the patient where the intake leaves them: pending signature in the session."""
    session = client.session
    session[PENDING_PATIENT_KEY] = patient.pk
    session.save()


def publish_new_version(*, requires_reconsent, **changes):
    current = AuthorizationText.objects.current()
    draft = AuthorizationText.objects.create(
        version=AuthorizationText.objects.order_by("-version").first().version + 1,
        title_en=current.title_en, title_es=current.title_es,
        body_en=current.body_en + changes.get("append_en", "\n\nVersion two."),
        body_es=current.body_es + changes.get("append_es", "\n\nVersión dos."),
        requires_reconsent=requires_reconsent,
    )
    return publish_authorization_text(text=draft)


def sign_form(text, **overrides):
    data = {"certify": "on", "signed_name": "Pat Example", "relationship": "self", "representative_authority": "",
            "text_version_id": text.pk}
    data.update(overrides)
    return data


def tamper(model, pk, **changes):
    """Change a record the way a database superuser could, past PostgreSQL's append-only triggers (switched off
    for the statement by the replication role, which only a superuser may set), to show verify() catches it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    model.objects.filter(pk=pk).update(**changes)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
