"""The patient's copy: the signed authorization as a page and as a PDF, from the status link."""

import re

import pytest

from consent.models import Authorization
from consent.services import revoke_authorization
from tests.conftest import make_patient, sign

from .conftest import tamper
from .pdf_reading import whole_text


@pytest.mark.django_db
def test_the_copy_page_shows_the_signed_text_and_the_signature(client, lung_patient):
    sign(lung_patient)
    page = client.get(f"/status/{lung_patient.status_token()}/authorization/").content.decode()
    assert "7. My right to revoke" in page
    assert "Pat Example" in page
    assert "Intact" in page
    assert "/authorization.pdf" in page


@pytest.mark.django_db
def test_the_copy_page_says_when_the_record_does_not_match_its_seal(client, lung_patient):
    authorization = sign(lung_patient)
    tamper(Authorization, authorization.pk, snapshot="Something else")
    page = client.get(f"/status/{lung_patient.status_token()}/authorization/").content.decode()
    assert "FAILED: this record does not match its seal" in page


@pytest.mark.django_db
def test_the_pdf_copy_is_a_pdf_with_the_reference_and_the_signature(client, lung_patient):
    authorization = sign(lung_patient)
    response = client.get(f"/status/{lung_patient.status_token()}/authorization.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert lung_patient.reference in response["Content-Disposition"]
    data = response.content
    assert data.startswith(b"%PDF")
    text = whole_text(data)
    assert lung_patient.reference in text
    assert authorization.signature_sha256 in text


@pytest.mark.django_db
def test_a_revoked_patient_can_still_get_their_copy_showing_the_revocation(client, lung_patient):
    sign(lung_patient)
    revoke_authorization(patient=lung_patient)
    page = client.get(f"/status/{lung_patient.status_token()}/authorization/").content.decode()
    assert "Revoked" in page and ">No<" not in page
    data = client.get(f"/status/{lung_patient.status_token()}/authorization.pdf").content
    assert re.search(r"Revoked\n.* UTC", whole_text(data))


@pytest.mark.django_db
def test_the_copy_needs_a_valid_status_link(client, lung_patient):
    sign(lung_patient)
    assert client.get("/status/not-a-token/authorization/").status_code == 404
    assert client.get("/status/not-a-token/authorization.pdf").status_code == 404


@pytest.mark.django_db
def test_the_thank_you_page_links_to_the_copy(client, lung_patient, authorization_text):
    from .conftest import sign_form, start_signing

    start_signing(client, lung_patient)
    page = client.post("/authorize/", sign_form(authorization_text), follow=True).content.decode()
    pdf_link = re.search(r'href="(/status/[^"]+/authorization\.pdf)"', page).group(1)
    assert client.get(pdf_link).content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_pdf_labels_come_from_the_catalog_in_the_language_signed_in(client):
    patient = make_patient(language="es", email="ana@example.com", full_name="Ana Ejemplo")
    sign(patient)
    text = whole_text(client.get(f"/status/{patient.status_token()}/authorization.pdf").content)
    for label in ("Firmada por", "En calidad de", "Fecha y hora", "Versión del texto", "Comprobación de integridad",
                  "Intacta", "Página 1 de"):
        assert label in text, label
    assert "Signed by" not in text and "Page 1" not in text
