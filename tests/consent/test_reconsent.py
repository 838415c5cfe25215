"""New versions that require re-consent, and expiry: no matching until the patient signs the current version."""

from datetime import timedelta

import pytest
from django.utils import timezone

import matches.services
from consent.models import Authorization, AuthorizationText
from consent.services import current_authorization, needs_signature
from matches.models import Match
from tests.conftest import sign

from .conftest import publish_new_version, sign_form


def resign_url(patient):
    return f"/status/{patient.status_token()}/authorization/sign/"


@pytest.mark.django_db
def test_a_version_requiring_reconsent_stops_matching_until_the_patient_signs_it(
    client, lung_patient, lung_trial, django_capture_on_commit_callbacks
):
    sign(lung_patient)
    new = publish_new_version(requires_reconsent=True)
    assert needs_signature(lung_patient)
    matches.services.match_patient(lung_patient.pk)
    assert not Match.objects.exists()

    page = client.get(resign_url(lung_patient)).content.decode()
    assert "Version two." in page and f'value="{new.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resign_url(lung_patient), sign_form(new), follow=True)
    assert response.redirect_chain[-1][0].startswith("/status/")
    assert "Your authorization is signed" in response.content.decode()
    assert current_authorization(lung_patient).text == new
    assert Match.objects.filter(patient=lung_patient, trial=lung_trial).exists()
    assert lung_patient.authorizations.count() == 2  # the old signature is kept


@pytest.mark.django_db
def test_a_version_without_reconsent_keeps_earlier_signatures_valid(lung_patient):
    sign(lung_patient)
    publish_new_version(requires_reconsent=False)
    assert not needs_signature(lung_patient)


@pytest.mark.django_db
def test_retiring_a_reconsent_version_does_not_revive_the_signatures_it_superseded(lung_patient):
    sign(lung_patient)
    reconsent = publish_new_version(requires_reconsent=True)
    reconsent.status = AuthorizationText.Status.RETIRED
    reconsent.save()
    publish_new_version(requires_reconsent=False)
    assert needs_signature(lung_patient)


@pytest.mark.django_db
def test_an_expired_authorization_stops_matching_until_the_patient_signs_again(
    client, lung_patient, lung_trial, authorization_text, django_capture_on_commit_callbacks
):
    sign(lung_patient, now=timezone.now() - timedelta(days=authorization_text.valid_for_days + 1))
    assert needs_signature(lung_patient)
    matches.services.match_patient(lung_patient.pk)
    assert not Match.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resign_url(lung_patient), sign_form(authorization_text))
    assert not needs_signature(lung_patient)
    assert Match.objects.filter(patient=lung_patient).exists()


@pytest.mark.django_db
def test_a_patient_who_revoked_can_sign_again_from_the_status_link(
    client, matched_lung_patient, authorization_text, django_capture_on_commit_callbacks
):
    client.post(f"/status/{matched_lung_patient.status_token()}/revoke/", {"confirm": "on"})
    assert needs_signature(matched_lung_patient)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resign_url(matched_lung_patient), sign_form(authorization_text))
    assert not needs_signature(matched_lung_patient)
    assert matched_lung_patient.matches.get().status == "new"


@pytest.mark.django_db
def test_a_patient_with_an_active_authorization_has_nothing_to_sign(client, lung_patient, authorization_text):
    sign(lung_patient)
    response = client.get(resign_url(lung_patient), follow=True)
    assert "There is nothing to sign" in response.content.decode()
    client.post(resign_url(lung_patient), sign_form(authorization_text))
    assert Authorization.objects.filter(patient=lung_patient).count() == 1


@pytest.mark.django_db
def test_the_resign_page_needs_a_valid_status_link(client):
    assert client.get("/status/forged/authorization/sign/").status_code == 404


@pytest.mark.django_db
def test_the_status_page_of_a_patient_who_must_sign_again_links_to_the_current_text(client, lung_patient):
    sign(lung_patient)
    publish_new_version(requires_reconsent=True)
    page = client.get(f"/status/{lung_patient.status_token()}/").content.decode()
    assert resign_url(lung_patient) in page
    assert f"/status/{lung_patient.status_token()}/authorization/\"" in page  # the copy of what they signed


@pytest.mark.django_db
def test_a_status_page_offers_no_copy_of_an_authorization_never_signed(client, lung_patient):
    page = client.get(f"/status/{lung_patient.status_token()}/").content.decode()
    assert "/authorization/\"" not in page
