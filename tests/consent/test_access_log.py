"""The access log: every staff look at a patient's details writes a row; nobody edits it."""

import pytest
from django.core.exceptions import ValidationError

from consent.models import AccessLog
from consent.services import log_access


@pytest.mark.django_db
def test_a_coordinator_opening_a_match_is_logged_with_who_what_and_why(client, matched_lung_patient, onc_coordinator):
    match = matched_lung_patient.matches.get()
    client.force_login(onc_coordinator)
    assert client.get(f"/coordinator/matches/{match.pk}/").status_code == 200
    row = AccessLog.objects.get(patient=matched_lung_patient)
    assert row.user == onc_coordinator
    assert row.reason == "screening for TB-TEST-LUNG"
    assert row.path == f"/coordinator/matches/{match.pk}/"
    assert row.at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["patient", "authorization", "match"])
def test_each_admin_change_page_about_a_patient_is_logged(client, admin_user, matched_lung_patient, page):
    url = {
        "patient": f"/admin/intake/patient/{matched_lung_patient.pk}/change/",
        "authorization": f"/admin/consent/authorization/{matched_lung_patient.authorizations.get().pk}/change/",
        "match": f"/admin/matches/match/{matched_lung_patient.matches.get().pk}/change/",
    }[page]
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    row = AccessLog.objects.get(patient=matched_lung_patient)
    assert row.user == admin_user and row.action == f"admin: view {page}" and row.path == url


@pytest.mark.django_db
def test_the_admin_reads_the_access_log_but_cannot_change_or_delete_it(client, admin_user, lung_patient):
    row = log_access(user=admin_user, patient=lung_patient, action="view", reason="audit check")
    client.force_login(admin_user)
    listing = client.get("/admin/consent/accesslog/").content.decode()
    assert "audit check" in listing
    page = client.get(f"/admin/consent/accesslog/{row.pk}/change/").content.decode()
    assert 'name="reason"' not in page
    assert client.post(f"/admin/consent/accesslog/{row.pk}/change/", {"reason": "x"}).status_code == 403
    assert client.post(f"/admin/consent/accesslog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/consent/accesslog/add/").status_code == 403
    assert AccessLog.objects.get(pk=row.pk).reason == "audit check"


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_delete_an_access_log_row(admin_user, lung_patient):
    row = log_access(user=admin_user, patient=lung_patient, action="view")
    row.reason = "rewritten"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    assert AccessLog.objects.filter(pk=row.pk, reason="").exists()
