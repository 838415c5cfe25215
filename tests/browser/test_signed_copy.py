"""The patient's signed copy and details in a real browser: the web copy prints whole (Chromium's own print to
PDF), the PDF copy carries the signer's accented name and is drawn, and the details page works on a phone."""

import io
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from consent.models import Authorization
from intake.models import Patient
from tests.conftest import make_patient, sign
from tests.consent.pdf_reading import inked_share, whole_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The last words of the signed text (its closing line) and of the signature block, in each language.
LAST_WORDS = {
    "en": ("I have the right to receive a copy of this signed authorization.", "Integrity check"),
    "es": ("Tengo derecho a recibir una copia de esta autorización firmada.", "Comprobación de integridad"),
}


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_web_copy_prints_whole_and_the_pdf_copy_shows_the_accented_name(live_server, open_page, check_page,
                                                                          language):
    patient = make_patient(full_name="José Nguyễn Thị Ánh", language=language, sex="male")
    with translation.override(language):
        sign(patient, signed_name="José Nguyễn Thị Ánh")
    page = open_page(375)
    page.goto(live_server.url + "/")
    if language == "es":
        page.get_by_role("button", name="Español").click()
    page.goto(f"{live_server.url}/status/{patient.status_token()}/authorization/")
    check_page(page, f"{language}-375-signed-copy")

    printed = " ".join(pdf_text(page.pdf(format="Letter")).split())
    closing_line, last_row = LAST_WORDS[language]
    assert closing_line in printed, "printing cut the text short"
    assert last_row in printed and patient.reference in printed
    assert "Download as PDF" not in printed and "Descargar" not in printed  # links are for the screen

    with page.expect_download() as download:
        page.locator('a[href$="/authorization.pdf"]').click()
    with open(download.value.path(), "rb") as downloaded:
        data = downloaded.read()
    assert "José Nguyễn Thị Ánh" in whole_text(data)
    assert inked_share(data, 0) > 0.02


def test_a_vietnamese_name_typed_without_its_marks_signs_for_the_patient(live_server, open_page, check_page):
    patient = make_patient(full_name="Nguyễn Thị Ánh", sex="female", email="anh@example.com")
    page = open_page(375)
    pending_signature(page, live_server, patient)
    page.goto(live_server.url + "/authorize/")
    page.check("#id_certify")
    page.fill("#id_signed_name", "Nguyen Thi Anh")
    page.get_by_role("button", name="Sign the authorization").click()
    page.wait_for_url("**/authorize/done/")
    authorization = Authorization.objects.get(patient=patient)
    assert authorization.signed_name == "Nguyen Thi Anh" and authorization.signer_relationship == "self"


def test_another_name_is_refused_in_spanish_saying_which_name_to_type(live_server, open_page, check_page):
    patient = make_patient(full_name="Nguyễn Thị Ánh", sex="female", email="anh@example.com", language="es")
    page = open_page(375)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Español").click()
    pending_signature(page, live_server, patient)
    page.goto(live_server.url + "/authorize/")
    page.check("#id_certify")
    page.fill("#id_signed_name", "Ánh")
    page.get_by_role("button", name="Firmar la autorización").click()
    summary = page.locator("#error-summary")
    assert "Si usted es la paciente, escriba su nombre tal como lo indicó: «Nguyễn Thị Ánh»" in summary.inner_text()
    check_page(page, "es-375-signing-refused")
    assert not Authorization.objects.exists()


def pending_signature(page, live_server, patient):
    """Where the intake leaves a patient: a session holding their id, pending signature, in this browser."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from intake.views import PENDING_PATIENT_KEY

    session = SessionStore()
    session[PENDING_PATIENT_KEY] = patient.pk
    session.create()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key,
                               "url": live_server.url}])


def test_a_patient_changes_their_details_on_a_phone_in_spanish(live_server, open_page, check_page):
    patient = make_patient(full_name="Ana López", email="ana@example.com", language="es",
                           birth_date=date(1985, 2, 3))
    page = open_page(375)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Español").click()
    page.goto(f"{live_server.url}/status/{patient.status_token()}/")
    page.get_by_role("link", name="Cambiar mis datos").click()
    page.fill("#id_phone", "555")
    page.get_by_role("button", name="Guardar mis datos").click()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_page(page, "es-375-details-errors")

    page.fill("#id_full_name", "Ana")
    page.fill("#id_phone", "(713) 555-0123")
    page.get_by_role("button", name="Guardar mis datos").click()
    page.wait_for_url(f"**/status/{patient.status_token()}/")
    assert "Sus datos están guardados" in page.content()
    patient = Patient.objects.get(pk=patient.pk)
    assert (patient.full_name, patient.phone) == ("Ana", "+17135550123")
