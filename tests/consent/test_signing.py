"""Signing: the exact text, a certification, a typed name; a sealed record nobody can change."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from consent.models import Authorization
from consent.services import ConsentError
from tests.conftest import make_patient, sign

from .conftest import publish_new_version, sign_form, start_signing, tamper


@pytest.mark.django_db
def test_signing_page_shows_the_exact_current_text(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    page = client.get("/authorize/").content.decode()
    assert "7. My right to revoke" in page
    assert f'name="text_version_id" value="{authorization_text.pk}"' in page
    assert 'name="certify"' in page and 'name="signed_name"' in page


@pytest.mark.django_db
def test_a_signature_records_who_when_what_and_from_where(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    response = client.post("/authorize/", sign_form(authorization_text, signed_name="  Pat   Example "),
                           HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302 and response["Location"] == "/authorize/done/"
    authorization = Authorization.objects.get(patient=lung_patient)
    assert authorization.signed_name == "Pat Example"
    assert authorization.signed_at.utcoffset().total_seconds() == 0  # stored and shown in UTC
    assert "authorize the release of my health records" in authorization.signature_meaning
    assert authorization.ip_address == "203.0.113.7"
    assert authorization.user_agent == "TestBrowser/1.0"
    assert authorization.text == authorization_text
    assert authorization.snapshot == authorization_text.snapshot("en")
    assert authorization.signer_relationship == "self"
    assert authorization.verify()


@pytest.mark.django_db
def test_signing_without_the_certification_tick_is_refused(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    response = client.post("/authorize/", sign_form(authorization_text, certify=""))
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_part_of_the_name_given_at_intake_is_not_the_patients_signature(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    response = client.post("/authorize/", sign_form(authorization_text, signed_name="Pat"))
    assert "type your name as you gave it: “Pat Example”" in response.content.decode()
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_name_with_no_letters_is_no_signature(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    response = client.post("/authorize/", sign_form(authorization_text, signed_name=" -- . "))
    assert "Type your name as your signature." in response.content.decode()
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_parent_signs_for_a_minor_with_relationship_and_authority(client, authorization_text):
    minor = make_patient(full_name="Kid Example", birth_date=date(2014, 3, 3))
    assert minor.is_minor
    start_signing(client, minor)
    refused = client.post("/authorize/", sign_form(authorization_text, signed_name="Kid Example"))
    assert refused.status_code == 200 and not Authorization.objects.exists()
    client.post("/authorize/", sign_form(authorization_text, signed_name="Parent Example", relationship="parent",
                                         representative_authority="Mother with legal custody"))
    authorization = Authorization.objects.get(patient=minor)
    assert authorization.signed_name == "Parent Example"
    assert authorization.signer_relationship == "parent"
    assert authorization.representative_authority == "Mother with legal custody"
    assert "legal representative" in authorization.signature_meaning


@pytest.mark.django_db
def test_a_representative_must_state_their_authority(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    response = client.post("/authorize/", sign_form(authorization_text, relationship="guardian"))
    assert "authority to sign for the patient" in response.content.decode()
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_minor_cannot_sign_for_themself_through_the_service(authorization_text):
    minor = make_patient(birth_date=date(2014, 3, 3))
    with pytest.raises(ConsentError):
        sign(minor)


@pytest.mark.django_db
def test_a_version_replaced_while_the_patient_read_it_is_not_signed(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    client.get("/authorize/")
    newer = publish_new_version(requires_reconsent=False)
    response = client.post("/authorize/", sign_form(authorization_text))
    page = response.content.decode()
    assert "no longer in use" in page
    assert f'name="text_version_id" value="{newer.pk}"' in page
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_the_model_refuses_to_change_or_delete_a_signed_authorization(lung_patient):
    authorization = sign(lung_patient)
    authorization.signed_name = "Someone Else"
    with pytest.raises(ValidationError):
        authorization.save()
    with pytest.raises(ValidationError):
        authorization.delete()
    assert Authorization.objects.get(pk=authorization.pk).signed_name == "Pat Example"


@pytest.mark.django_db
def test_a_tampered_snapshot_fails_verification(lung_patient):
    authorization = sign(lung_patient)
    assert Authorization.objects.get(pk=authorization.pk).verify()
    tampered = authorization.snapshot.replace("expires two years", "never expires")
    tamper(Authorization, authorization.pk, snapshot=tampered)
    assert not Authorization.objects.get(pk=authorization.pk).verify()


@pytest.mark.django_db
def test_a_tampered_snapshot_with_a_recomputed_hash_still_fails(lung_patient):
    from consent.models import sha256_hex

    authorization = sign(lung_patient)
    tampered = authorization.snapshot + "\nI also agree to join any trial."
    tamper(Authorization, authorization.pk, snapshot=tampered, snapshot_sha256=sha256_hex(tampered))
    assert not Authorization.objects.get(pk=authorization.pk).verify()


@pytest.mark.django_db
def test_a_changed_signer_name_or_time_fails_verification(lung_patient):
    authorization = sign(lung_patient)
    tamper(Authorization, authorization.pk, signed_name="Someone Else")
    assert not Authorization.objects.get(pk=authorization.pk).verify()
    tamper(Authorization, authorization.pk, signed_name=authorization.signed_name,
           signed_at=datetime(2020, 1, 1, tzinfo=UTC))
    assert not Authorization.objects.get(pk=authorization.pk).verify()


@pytest.mark.django_db
def test_the_admin_shows_a_signed_authorization_read_only(client, admin_user, lung_patient):
    authorization = sign(lung_patient)
    client.force_login(admin_user)
    page = client.get(f"/admin/consent/authorization/{authorization.pk}/change/").content.decode()
    assert "Pat Example" in page
    assert 'name="signed_name"' not in page and 'name="_save"' not in page
    response = client.post(f"/admin/consent/authorization/{authorization.pk}/change/",
                           {"signed_name": "Someone Else"})
    assert response.status_code == 403
    assert client.post(f"/admin/consent/authorization/{authorization.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Authorization.objects.get(pk=authorization.pk).signed_name == "Pat Example"
