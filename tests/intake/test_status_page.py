"""The patient's private status page: plain words, follow-up questions that re-run matching, editing, revoking."""

import re

import pytest
from django.urls import reverse

from intake.models import Patient
from matches.models import Match
from tests.conftest import make_patient, make_trial, sign

pytestmark = pytest.mark.django_db(transaction=True)


def status_url(patient):
    return reverse("patient:status", args=[patient.status_token()])


@pytest.fixture
def unknown_ecog_patient(lung_trial):
    patient = make_patient(answers={"stage": "IV"})
    sign(patient)
    return patient


def test_the_status_page_shows_each_match_in_plain_words_with_the_nearest_site(client, lung_trial, lung_patient,
                                                                               onc_coordinator):
    sign(lung_patient)
    page = client.get(status_url(lung_patient)).content.decode()
    assert lung_trial.title in page
    assert "Waiting for a coordinator to review" in page
    assert "you meet what this trial asks for" in page
    assert "Gulf Coast Cancer Institute (Houston, TX)" in page
    assert "miles" in page and "km away" in page
    assert reverse("consent:revoke", args=[lung_patient.status_token()]) in page
    assert reverse("intake:edit_answers", args=[lung_patient.status_token()]) in page


def test_an_unknown_fact_becomes_a_follow_up_question_whose_answer_rematches(client, unknown_ecog_patient,
                                                                             lung_trial):
    match = Match.objects.get(patient=unknown_ecog_patient)
    assert match.verdict == "possible" and "ecog" in match.questions
    page = client.get(status_url(unknown_ecog_patient)).content.decode()
    assert "Questions that would help" in page
    assert "Which sentence describes your daily activity best?" in page

    response = client.post(status_url(unknown_ecog_patient), {"followup-ecog": "0"})
    assert response.status_code == 302
    unknown_ecog_patient.refresh_from_db()
    assert unknown_ecog_patient.answers["ecog"] == 0
    match.refresh_from_db()
    assert match.verdict == "eligible" and match.questions == []
    assert "Questions that would help" not in client.get(status_url(unknown_ecog_patient)).content.decode()


def test_answering_i_dont_know_keeps_the_fact_unknown(client, unknown_ecog_patient):
    client.post(status_url(unknown_ecog_patient), {"followup-ecog": "unknown"})
    unknown_ecog_patient.refresh_from_db()
    assert unknown_ecog_patient.answers["ecog"] is None


def test_a_biomarker_question_is_asked_per_gene_and_merged_with_earlier_results(client, oncology_team):
    make_trial("TB-TEST-EGFR", oncology_team, codes=["onc:NSCLC"],
               criteria={"all": [{"biomarker": {"gene": "EGFR", "status": "positive"}}]})
    patient = make_patient(answers={"ecog": 1, "biomarkers": {"ALK": "negative"}})
    sign(patient)
    page = client.get(status_url(patient)).content.decode()
    assert "EGFR mutation" in page
    client.post(status_url(patient), {"followup-biomarker_EGFR": "positive"})
    patient.refresh_from_db()
    assert patient.answers["biomarkers"] == {"ALK": "negative", "EGFR": "positive"}
    assert Match.objects.get(patient=patient).verdict == "eligible"


def test_no_questions_are_asked_once_the_authorization_is_revoked(client, unknown_ecog_patient):
    from consent.services import revoke_authorization

    revoke_authorization(patient=unknown_ecog_patient)
    page = client.get(status_url(unknown_ecog_patient)).content.decode()
    assert "Questions that would help" not in page
    assert "Your authorization is not active" in page
    assert "Revoke my authorization" not in page


def test_editing_answers_saves_them_and_rematches(client, lung_patient, lung_trial):
    sign(lung_patient)
    url = reverse("intake:edit_answers", args=[lung_patient.status_token()])
    page = client.get(url).content.decode()
    assert re.search(r'name="ecog" value="1"[^>]*checked', page)  # the answer on file is pre-filled
    response = client.post(url, {"stage": "unknown", "ecog": "3", "where-postal_code": "77030",
                                 "where-travel_radius": "any"})
    assert response.status_code == 302
    lung_patient.refresh_from_db()
    assert lung_patient.answers["ecog"] == 3 and lung_patient.answers["stage"] is None
    assert Match.objects.get(patient=lung_patient).verdict == "not_eligible"


def test_the_edit_page_shows_medicines_back_with_their_class(client, depressed_patient):
    page = client.get(reverse("intake:edit_answers", args=[depressed_patient.status_token()])).content.decode()
    assert "SNRI" in page and "duloxetine" in page.lower()


def test_a_forged_link_cannot_edit_answers(client, lung_patient):
    url = reverse("intake:edit_answers", args=[lung_patient.status_token() + "x"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"ecog": "0"}).status_code == 404
    assert Patient.objects.get().answers["ecog"] == 1


def test_the_status_page_of_an_urgent_patient_shows_crisis_resources(client, depressed_patient):
    depressed_patient.urgent = True
    depressed_patient.save()
    assert "988" in client.get(status_url(depressed_patient)).content.decode()


@pytest.mark.django_db
def test_the_status_page_says_why_each_trial_matched_in_the_patients_language(client, lung_trial, lung_patient,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign(lung_patient)
    age = lung_patient.age_on()
    page = client.get(status_url(lung_patient)).content.decode()
    assert f"You are {age} years old" in page
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert f"Tiene {age} años" in client.get(status_url(lung_patient)).content.decode()


@pytest.mark.django_db
def test_a_patient_can_go_back_to_no_travel_limit_when_editing_answers(client, lung_patient):
    lung_patient.travel_radius_km = 80
    lung_patient.save()
    url = reverse("intake:edit_answers", args=[lung_patient.status_token()])
    client.post(url, {"stage": "IV", "ecog": "1", "where-postal_code": "77030", "where-travel_radius": "any"})
    lung_patient.refresh_from_db()
    assert lung_patient.travel_radius_km is None


@pytest.mark.django_db
def test_answering_a_follow_up_question_leaves_the_travel_limit_alone(lung_patient):
    from intake.services import update_answers

    lung_patient.travel_radius_km = 80
    lung_patient.save()
    update_answers(patient=lung_patient, answers={"ecog": 0})
    lung_patient.refresh_from_db()
    assert lung_patient.travel_radius_km == 80


def test_a_questionnaire_asked_as_a_follow_up_reads_under_its_own_question(client, depression_trial):
    patient = make_patient(full_name="Quinn Doe", email="quinn@example.com", sex="male", postal_code="60611",
                           condition_code="psy:MDD", answers={"medications": []})
    sign(patient)
    assert "phq9" in Match.objects.get(patient=patient).questions
    page = client.get(reverse("patient:status", args=[patient.status_token()])).content.decode()
    questions = page[page.index('id="questions-title"'):]
    # The PHQ-9's items sit in one fieldset under the questionnaire's own question, as on the intake's pages.
    assert '<fieldset class="mb-4 questionnaire">' in questions
    assert "Little interest or pleasure in doing things" in questions
