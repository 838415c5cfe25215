"""Bad input is a clear message in the patient's language, never a 500, and nothing of it reaches a log."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consent.models import Authorization, AuthorizationText
from intake.geo import is_well_formed_zip, locate_zip

from .conftest import sign_form, start_signing

# Digits a phone keyboard or a pasted text can carry: full-width (Japanese input) and Arabic-Indic.
FOREIGN_DIGIT_ZIPS = ["７７０３０", "٧٧٠٣٠", "۷۷۰۳۰", "77０30"]


@pytest.mark.parametrize("postal_code", FOREIGN_DIGIT_ZIPS)
def test_a_zip_in_other_digits_is_not_well_formed_and_never_reaches_the_zip_library(postal_code, capfd):
    assert not is_well_formed_zip(postal_code)
    assert locate_zip(postal_code) is None
    # The library used to panic (a Rust panic, which escapes `except Exception`) and print the ZIP on stderr.
    out, err = capfd.readouterr()
    assert postal_code not in out + err


@pytest.mark.django_db
def test_changing_the_zip_to_foreign_digits_is_a_clear_message(client, lung_patient, capfd):
    url = f"/status/{lung_patient.status_token()}/answers/"
    response = client.post(url, {"where-postal_code": "７７０３０", "where-travel_radius": ""})
    assert response.status_code == 200
    assert "Enter a 5-digit US ZIP code" in response.content.decode()
    lung_patient.refresh_from_db()
    assert lung_patient.postal_code == "77030"
    assert "７７０３０" not in "".join(capfd.readouterr())


@pytest.mark.django_db
@pytest.mark.parametrize("tampered", ["abc", "1 OR 1=1", "", "99999999999999999999999", "-1", "1.5"])
def test_a_tampered_text_version_is_a_clear_message(client, lung_patient, authorization_text, tampered):
    start_signing(client, lung_patient)
    response = client.post("/authorize/", sign_form(authorization_text, text_version_id=tampered))
    assert response.status_code == 200
    assert "Please sign the current text" in response.content.decode()
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_tampered_text_version_reads_in_spanish_for_a_spanish_speaker(client, lung_patient, authorization_text):
    start_signing(client, lung_patient)
    client.cookies["django_language"] = "es"
    response = client.post("/authorize/", sign_form(authorization_text, text_version_id="abc"),
                           HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "firme el texto actual" in response.content.decode()


def _draft(**fields):
    current = AuthorizationText.objects.current()
    return AuthorizationText(version=AuthorizationText.objects.order_by("-version").first().version + 1,
                             title_en=current.title_en, title_es=current.title_es, body_en=current.body_en,
                             body_es=current.body_es, **fields)


@pytest.mark.django_db
def test_an_authorization_text_valid_for_zero_days_is_refused_by_validation():
    with pytest.raises(ValidationError) as refused:
        _draft(valid_for_days=0).full_clean()
    assert "valid_for_days" in refused.value.message_dict


@pytest.mark.django_db
def test_an_authorization_text_valid_for_zero_days_is_refused_by_the_database():
    draft = _draft(valid_for_days=1)
    draft.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorizationText.objects.filter(pk=draft.pk).update(valid_for_days=0)


@pytest.mark.django_db
def test_the_admin_refuses_an_authorization_text_valid_for_zero_days(client, admin_user):
    client.force_login(admin_user)
    current = AuthorizationText.objects.current()
    response = client.post("/admin/consent/authorizationtext/add/", {
        "version": current.version + 1, "status": "draft", "title_en": current.title_en,
        "title_es": current.title_es, "body_en": current.body_en, "body_es": current.body_es,
        "valid_for_days": "0", "created_at_0": "2026-11-27", "created_at_1": "10:00:00",
    })
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not AuthorizationText.objects.filter(version=current.version + 1).exists()
