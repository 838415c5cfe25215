"""Share with my doctor: one trial on one printable page and as a PDF, in the patient's language, from their
private link only."""

import re

import pytest
from django.urls import reverse

from intake.services import update_answers
from matches.models import Match
from tests.conftest import make_patient, make_trial, sign
from tests.consent.pdf_reading import whole_text as pdf_text
from trials.models import Site, Trial

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared(oncology_team):
    trial = make_trial("NCT90000901", oncology_team, codes=["onc:NSCLC"], criteria={"all": [{"ecog": {"max": 1}}]})
    Trial.objects.filter(pk=trial.pk).update(plain_summary="A study of a new pill for lung cancer.",
                                             plain_summary_es="Un estudio de una pastilla nueva.")
    Site.objects.filter(trial=trial).update(contact_name="Dr. Rivera", contact_phone="713-555-0100")
    patient = make_patient(full_name="Lena Núñez")
    sign(patient)
    return patient, Match.objects.get(patient=patient, trial=trial)


def share_url(patient, match, pdf=False):
    return reverse("matches:share_pdf" if pdf else "matches:share", args=[patient.status_token(), match.pk])


def test_the_status_page_links_each_card_to_its_share_page(client, shared):
    patient, match = shared
    page = client.get(reverse("patient:status", args=[patient.status_token()])).content.decode()
    assert f'href="{share_url(patient, match)}"' in page


def test_the_share_page_holds_title_why_it_may_fit_nearest_site_contact_and_registry_link(client, shared):
    patient, match = shared
    page = client.get(share_url(patient, match)).content.decode()
    assert "Test trial NCT90000901" in page
    assert "From your answers, you meet what this trial asks for." in page
    assert "Your ECOG score is 1; the trial accepts at most 1." in page
    assert "A study of a new pill for lung cancer." in page
    assert "Gulf Coast Cancer Institute (Houston, TX)" in page
    assert "Dr. Rivera" in page and "713-555-0100" in page
    assert "https://clinicaltrials.gov/study/NCT90000901" in page
    assert share_url(patient, match, pdf=True) in page

    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = client.get(share_url(patient, match)).content.decode()
    assert '<html lang="es">' in page and "Por qué podría corresponderle" in page
    assert "Un estudio de una pastilla nueva." in page


def test_the_pdf_is_one_page_with_the_same_content_in_the_patients_language(client, shared):
    patient, match = shared
    response = client.get(share_url(patient, match, pdf=True))
    assert response["Content-Type"] == "application/pdf"
    assert "NCT" not in response["Content-Disposition"]  # the file name says nothing about the trial
    data = response.content
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
    text = " ".join(pdf_text(data).split())
    for words in ("Test trial", "NCT90000901", "Why it may fit", "Gulf Coast Cancer Institute",
                  "Dr. Rivera", "https://clinicaltrials.gov/study/NCT90000901", patient.reference):
        assert words in text

    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    text = pdf_text(client.get(share_url(patient, match, pdf=True)).content)
    assert "Por qué podría corresponderle" in text


def test_another_patients_link_or_a_ruled_out_match_cannot_be_shared(client, shared, oncology_team):
    patient, match = shared
    other = make_patient(email="other@example.com")
    sign(other)
    assert client.get(share_url(other, match)).status_code == 404
    update_answers(patient=other, answers={"ecog": 3})  # the trial stops fitting: its match is kept, ruled out
    ruled_out = Match.objects.get(patient=other)
    assert ruled_out.verdict == "not_eligible"
    assert client.get(share_url(other, ruled_out)).status_code == 404
    assert client.get(share_url(other, ruled_out, pdf=True)).status_code == 404
    forged = reverse("matches:share", args=[patient.status_token() + "x", match.pk])
    assert client.get(forged).status_code == 404
