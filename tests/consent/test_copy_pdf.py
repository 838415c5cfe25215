"""The signed copy a patient keeps, as a PDF: every script they type in, page numbers, the signature block on
one page, their reference and birthday, and times in their own time zone beside UTC."""

from datetime import UTC, date, datetime

import pytest

from consent import pdf
from consent.pdf import FontMissing, authorization_pdf
from tests.conftest import make_patient, sign

from .conftest import publish_new_version
from .pdf_reading import embedded_fonts, inked_share, page_texts, whole_text

SIGNED_AT = datetime(2026, 11, 27, 14, 15, 3, tzinfo=UTC)
# The block's rows ("Signature" and "Expires" are words of the signed text too).
SIGNATURE_LABELS = ["Signed by", "Signing as", "Date and time (UTC)", "Meaning of the signature", "Text version",
                    "SHA-256 seal", "Integrity check"]


def pdf_of(client, patient):
    response = client.get(f"/status/{patient.status_token()}/authorization.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


@pytest.mark.django_db
def test_a_vietnamese_patient_and_an_accented_parent_are_printed_as_typed_in_an_embedded_font(client):
    child = make_patient(full_name="Nguyễn Thị Ánh", birth_date=date(2014, 3, 4), email="anh@example.com")
    sign(child, signed_name="José García-Núñez", relationship="parent",
         representative_authority="Padre con custodia legal")
    data = pdf_of(client, child)

    text = whole_text(data)
    assert "Nguyễn Thị Ánh" in text
    assert "José García-Núñez" in text and "Padre con custodia legal" in text
    assert not any("?" in line for line in text.splitlines() if "García" in line or "Nguy" in line)
    assert any("DejaVuSans" in name for name in embedded_fonts(data))
    # Rendered, the first page carries text (a page of "?" or empty boxes would too, so the text check above
    # is what proves the letters; this proves the page is drawn at all).
    assert inked_share(data, 0) > 0.02


@pytest.mark.django_db
def test_emoji_become_their_names_and_other_scripts_their_transliteration_never_a_question_mark(client):
    patient = make_patient(full_name="Mei 王小明", email="mei@example.com")
    sign(patient, signed_name="Mei 王小明", relationship="guardian",
         representative_authority="Court-appointed guardian 👍🏽 🌸")
    text = whole_text(pdf_of(client, patient))
    assert "Court-appointed guardian [thumbs up medium skin tone] [cherry blossom]" in text
    assert "Mei WangXiaoMing" in text
    assert "?" not in text.split("Signed by", 1)[1]


@pytest.mark.django_db
def test_emoji_are_named_in_the_language_the_copy_was_signed_in(client):
    patient = make_patient(language="es", full_name="Ana López", email="ana@example.com")
    sign(patient, signed_name="Ana López", relationship="representative",
         representative_authority="Poder notarial 👍")
    text = whole_text(pdf_of(client, patient))
    assert "Poder notarial [pulgar hacia arriba]" in text


@pytest.mark.django_db
def test_every_page_is_numbered_and_carries_the_reference(client, lung_patient):
    sign(lung_patient)
    pages = page_texts(pdf_of(client, lung_patient))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"{lung_patient.reference} · Page {number} of {len(pages)}" in text


@pytest.mark.django_db
def test_the_copy_shows_the_patients_reference_birthday_and_times_in_their_zone_and_utc(client):
    houston = make_patient(full_name="Pat Example", postal_code="77030", birth_date=date(1970, 5, 1))
    sign(houston, now=SIGNED_AT)
    text = whole_text(pdf_of(client, houston))
    assert f"Reference: {houston.reference}" in text
    assert "Date of birth: May 1, 1970" in text
    assert "Date and time (America/Chicago)\nNov. 27, 2026, 8:15 a.m. CST" in text
    assert "Date and time (UTC)\n2026-11-27 14:15:03 UTC" in text

    honolulu = make_patient(full_name="Kai Example", email="kai@example.com", postal_code="96813",
                            language="es")
    sign(honolulu, now=SIGNED_AT)
    text = whole_text(pdf_of(client, honolulu))
    assert "Fecha de nacimiento: 1 de mayo de 1970" in text
    assert "Fecha y hora (Pacific/Honolulu)\n27 de noviembre de 2026 a las 04:15 HST" in text


@pytest.mark.django_db
def test_the_signature_block_is_never_split_across_pages(client):
    """The text grows four lines at a time, a third of the block's height, through more than a page: somewhere
    the block would straddle a page break, and it must move to the next page whole each time."""
    moved = 0
    for extra_lines in range(0, 64, 4):
        publish_new_version(requires_reconsent=False, append_en="\n" + "\n".join(["A line."] * extra_lines))
        patient = make_patient(full_name=f"Pat Lines{extra_lines}", email=f"p{extra_lines}@example.com")
        sign(patient)
        pages = page_texts(pdf_of(client, patient))
        holding = [number for number, text in enumerate(pages) if any(label in text for label in SIGNATURE_LABELS)]
        assert len(holding) == 1, f"{extra_lines} extra lines: the block is on pages {holding}"
        block = pages[holding[0]]
        assert all(label in block for label in SIGNATURE_LABELS), extra_lines
        if "A line." not in block and "Tengo derecho" not in block and "I have the right" not in block:
            moved += 1  # the block starts a page of its own: it was moved rather than split
    assert moved, "no length put the block at a page break: the test proves nothing"


@pytest.mark.django_db
def test_without_its_font_the_pdf_fails_naming_the_package_to_install(lung_patient, monkeypatch, tmp_path):
    authorization = sign(lung_patient)
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
    with pytest.raises(FontMissing, match="fonts-dejavu-core"):
        authorization_pdf(authorization)
