"""A review page before signing (issue 17 item 3): every answer with a "change" link, and the progress bar going on
to the authorization page."""

import pytest
from django.urls import reverse

from intake.models import Patient
from tests.conftest import make_trial, sign

from .conftest import ABOUT, CONTACT, ONCOLOGY, landed_on, step_of, walk, wizard_post

pytestmark = pytest.mark.django_db


def review_page(client, **walk_args):
    response = walk(client, stop_at="review", **walk_args)
    assert step_of(response) == "review"
    return response.content.decode()


def test_the_review_lists_every_answer_given(client, demo_trials):
    page = review_page(client, questions={**ONCOLOGY, "biomarker_EGFR": "positive"},
                       contact={**CONTACT, "phone": "713 555 0143"})
    for words in ("15 June 1972", "Female", "77030", "Any distance", "Lung adenocarcinoma", "Stage 4",
                  "I can&#x27;t do heavy work", "EGFR mutation", "Positive (found)", "Lena Park",
                  "lena@example.com"):
        assert words in page, words
    assert not Patient.objects.exists()  # nothing is saved before the patient goes on


def test_every_group_of_answers_has_a_change_link_to_its_step(client, demo_trials):
    page = review_page(client, questions=ONCOLOGY)
    for step in ("about", "condition", "questions", "contact"):
        assert f'href="{reverse("intake:step", args=[step])}?change=1"' in page


def test_a_change_comes_straight_back_to_the_review(client, demo_trials):
    review_page(client, questions=ONCOLOGY)
    client.get(reverse("intake:step", args=["about"]) + "?change=1")
    response = wizard_post(client, "about", {**ABOUT, "postal_code": "60611"})
    assert landed_on(response) == reverse("intake:step", args=["review"])
    assert "60611" in response.content.decode()


def test_a_change_that_opens_new_questions_asks_them_before_the_review(client, demo_trials):
    review_page(client, questions=ONCOLOGY)
    client.get(reverse("intake:step", args=["condition"]) + "?change=1")
    response = wizard_post(client, "condition", {"condition_code": "onc:BREAST"})
    assert step_of(response) == "questions"  # breast cancer's questions (ER, PR, HER2) are not answered yet
    assert "biomarker_HER2" in response.context["wizard"]["form"].fields
    response = walk(client)
    assert landed_on(response) == reverse("patient:sign")
    assert Patient.objects.get().condition_code == "onc:BREAST"


def test_the_progress_bar_goes_on_to_the_authorization_page(client, lung_trial):
    walk(client, questions={"ecog": "1"})
    page = client.get(reverse("patient:sign")).content.decode()
    assert "Step 5 of 5" in page and 'aria-current="step">Authorization' in page


def test_signing_again_from_the_status_page_shows_no_intake_progress(client, lung_patient):
    from consent.services import revoke_authorization

    sign(lung_patient)
    revoke_authorization(patient=lung_patient)
    page = client.get(reverse("consent:resign", args=[lung_patient.status_token()])).content.decode()
    assert "Sign the authorization" in page and "Step 5 of 5" not in page


def test_the_review_of_a_condition_without_questions_has_no_answers_group(client, oncology_team):
    make_trial("TB-TEST-BLL", oncology_team, codes=["onc:BLL"], min_age=0, max_age=21)
    page = review_page(client, condition="onc:BLL")
    assert "change-questions" not in page and "change-about" in page and "change-contact" in page
