"""The signature is the signer's: the patient types the name they gave at intake (case, accents and spacing
aside); a representative types their own name and says who they are. In English and in Spanish, where the
words agree with the patient ("la paciente", "el paciente")."""

from datetime import date
from html.parser import HTMLParser

import pytest

from consent.forms import comparable_name
from consent.models import Authorization
from tests.conftest import make_patient

from .conftest import sign_form, start_signing


def in_spanish(client):
    client.cookies["django_language"] = "es"


@pytest.mark.parametrize(("typed", "given"), [
    ("josé  garcía", "José García"),
    ("JOSE GARCIA", "José García"),
    ("Nguyen Thi Anh", "Nguyễn Thị Ánh"),
    ("dang van lam", "Đặng Văn Lâm"),
    ("Mary Jane O'Neill", "Mary-Jane ONeill"),
])
def test_names_compare_with_case_accents_spacing_and_punctuation_aside(typed, given):
    assert comparable_name(typed) == comparable_name(given)


@pytest.mark.parametrize(("typed", "given"), [("José Garcia Lopez", "José García"), ("Josefa García", "José García"),
                                              ("Pat", "Pat Example")])
def test_other_names_stay_other_names(typed, given):
    assert comparable_name(typed) != comparable_name(given)


@pytest.mark.django_db
def test_the_patient_signs_with_the_name_given_at_intake_however_it_is_typed(client, authorization_text):
    patient = make_patient(full_name="José García", sex="male")
    start_signing(client, patient)
    response = client.post("/authorize/", sign_form(authorization_text, signed_name="  josé   garcía "))
    assert response.status_code == 302
    authorization = Authorization.objects.get(patient=patient)
    assert authorization.signed_name == "josé garcía"  # what they typed, spacing tidied
    assert authorization.signer_relationship == "self" and authorization.verify()


@pytest.mark.django_db
def test_a_one_word_name_signs_when_it_is_the_name_given(client, authorization_text):
    patient = make_patient(full_name="Madonna")
    start_signing(client, patient)
    assert client.post("/authorize/", sign_form(authorization_text, signed_name="madonna")).status_code == 302
    assert Authorization.objects.get(patient=patient).signed_name == "madonna"


@pytest.mark.django_db
def test_another_name_signing_as_the_patient_is_refused_saying_which_name_to_type(client, authorization_text):
    patient = make_patient(full_name="José García", sex="male")
    start_signing(client, patient)
    page = client.post("/authorize/", sign_form(authorization_text, signed_name="Maria García")).content.decode()
    assert "If you are the patient, type your name as you gave it: “José García”" in page
    assert 'id="error-summary"' in page
    assert not Authorization.objects.exists()


@pytest.mark.parametrize(("sex", "article"), [("female", "la paciente"), ("male", "el paciente")])
@pytest.mark.django_db
def test_the_spanish_refusal_agrees_with_the_patient(client, authorization_text, sex, article):
    patient = make_patient(full_name="Alex Rivera", sex=sex, language="es")
    start_signing(client, patient)
    in_spanish(client)
    page = client.post("/authorize/", sign_form(authorization_text, signed_name="Otra Persona")).content.decode()
    assert f"Si usted es {article}, escriba su nombre tal como lo indicó: «Alex Rivera»" in page
    assert not Authorization.objects.exists()


@pytest.mark.django_db
def test_a_representative_signs_with_their_own_name_and_relationship(client, authorization_text):
    child = make_patient(full_name="Lucía Pérez", sex="female", birth_date=date(2015, 6, 1))
    start_signing(client, child)
    response = client.post("/authorize/", sign_form(
        authorization_text, signed_name="Marta Pérez", relationship="guardian",
        representative_authority="Court-appointed guardian"))
    assert response.status_code == 302
    authorization = Authorization.objects.get(patient=child)
    assert (authorization.signed_name, authorization.signer_relationship) == ("Marta Pérez", "guardian")


@pytest.mark.django_db
def test_a_representative_who_types_the_patients_name_is_asked_for_their_own(client, authorization_text):
    child = make_patient(full_name="Lucía Pérez", sex="female", birth_date=date(2015, 6, 1))
    start_signing(client, child)
    page = client.post("/authorize/", sign_form(
        authorization_text, signed_name="lucia perez", relationship="parent",
        representative_authority="Mother")).content.decode()
    assert "type your own name, not the patient&#x27;s" in page
    assert not Authorization.objects.exists()

    in_spanish(client)
    page = client.post("/authorize/", sign_form(
        authorization_text, signed_name="lucia perez", relationship="parent",
        representative_authority="Madre")).content.decode()
    assert "Usted firma en nombre de la paciente: escriba su propio nombre" in page


@pytest.mark.django_db
def test_a_minor_cannot_be_signed_for_as_the_patient_even_with_their_own_name(client, authorization_text):
    child = make_patient(full_name="Lucía Pérez", birth_date=date(2015, 6, 1))
    start_signing(client, child)
    page = client.post("/authorize/", sign_form(authorization_text, signed_name="Lucía Pérez")).content.decode()
    assert 'value="self"' not in page
    assert not Authorization.objects.exists()


class VisibleText(HTMLParser):
    """The words a person reads or hears on a page: text outside scripts and styles, and the labels given in
    attributes (aria-label, title, placeholder, alt)."""

    def __init__(self):
        super().__init__()
        self.chunks, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.chunks.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return {" ".join(chunk.split()) for chunk in parser.chunks}


def english_left(english_page, spanish_page, *, allowed):
    """Words of the English page that the Spanish page shows unchanged: names and figures aside."""
    spanish = visible_text(spanish_page)
    return sorted(chunk for chunk in visible_text(english_page) & spanish
                  if any(char.isalpha() for char in chunk) and chunk not in allowed)


@pytest.mark.parametrize(("sex", "birth_date", "posted"), [
    ("female", date(1980, 1, 1), {"signed_name": "Someone Else"}),
    ("male", date(2015, 1, 1), {"signed_name": "Tomás Ruiz", "relationship": "representative",
                                "representative_authority": ""}),
])
@pytest.mark.django_db
def test_no_english_is_left_on_the_spanish_signing_page(client, authorization_text, sex, birth_date, posted):
    patient = make_patient(full_name="Tomás Ruiz", sex=sex, birth_date=birth_date, language="es")
    start_signing(client, patient)
    pages = {}
    for language in ("en", "es"):
        client.cookies["django_language"] = language
        pages[language] = (client.get("/authorize/").content.decode()
                           + client.post("/authorize/", sign_form(authorization_text, certify="", **posted))
                           .content.decode())
    allowed = {"TrialBridge", "English", "Español", "Tomás Ruiz", patient.reference, "HIPAA"}
    assert english_left(pages["en"], pages["es"], allowed=allowed) == []
    spanish = pages["es"]
    if sex == "female":
        assert "La paciente" in spanish and "Otra persona que representa legalmente a la paciente" in spanish
        assert "Si usted es la paciente" in spanish
    else:
        assert "El paciente es menor de 18 años" in spanish and "La paciente" not in spanish
        assert "Su autoridad para actuar en nombre del paciente" in spanish
        assert "Indique qué le da la autoridad para firmar en nombre del paciente." in spanish
        assert "Tutor o tutora legal" in spanish
    assert not Authorization.objects.exists()
