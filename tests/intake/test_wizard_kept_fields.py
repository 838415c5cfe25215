"""The wizard keeps the HTML of a step nobody has typed into yet (intake.views._UNFILLED_STEP_HTML): each
patient must still see the wording, language and questions meant for them, and their own answers."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .conftest import ABOUT, wizard_post

pytestmark = pytest.mark.django_db


def reach_oncology_step(about, language="en"):
    client = Client(headers={"accept-language": language})
    client.get(reverse("intake:wizard"))
    wizard_post(client, "about", about)
    return client, wizard_post(client, "condition", {"condition_code": "onc:LUAD"}).content.decode()


def test_a_man_after_a_woman_is_not_asked_about_pregnancy():
    _, woman = reach_oncology_step(ABOUT)
    _, man = reach_oncology_step({**ABOUT, "sex": "male"})
    assert "oncology-pregnant" in woman
    assert "oncology-pregnant" not in man


def test_a_parent_after_an_adult_patient_sees_the_childs_wording():
    _, adult = reach_oncology_step(ABOUT)
    child_birthday = (timezone.localdate() - timedelta(days=365 * 9)).isoformat()
    _, parent = reach_oncology_step({**ABOUT, "birth_date": child_birthday})
    assert "I can do everything I did before my illness" in adult
    assert "My child can do everything" in parent
    assert "I can do everything I did before my illness" not in parent


def test_a_spanish_speaker_after_an_english_speaker_reads_spanish_questions():
    _, english = reach_oncology_step(ABOUT)
    _, spanish = reach_oncology_step(ABOUT, language="es")
    assert "What stage is the cancer?" in english
    assert "What stage is the cancer?" not in spanish


def test_a_step_the_patient_filled_in_shows_their_answers_not_a_blank_copy():
    client, _ = reach_oncology_step(ABOUT)
    reach_oncology_step({**ABOUT, "full_name": "Someone Else"})
    back = wizard_post(client, "oncology", {}, wizard_goto_step="about").content.decode()
    assert 'value="Lena Park"' in back
    assert "Someone Else" not in back


def test_an_about_step_sent_back_with_errors_shows_the_errors():
    client = Client()
    client.get(reverse("intake:wizard"))
    page = wizard_post(client, "about", {**ABOUT, "email": "nope"}).content.decode()
    assert 'value="nope"' in page
    assert "is-invalid" in page


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def post_with_page_token(client, page, step, data, **extra):
    payload = {"csrfmiddlewaretoken": TOKEN.search(page).group(1), **extra}
    return wizard_post(client, step, data, **payload)


def start_with_csrf_checks(language="en"):
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    page = client.get(reverse("intake:wizard")).content.decode()
    return client, page


def test_a_kept_page_carries_each_patients_own_working_csrf_token():
    pages = []
    for name in ("Lena Park", "Ana Ruiz"):
        client, page = start_with_csrf_checks()
        condition_page = post_with_page_token(client, page, "about", {**ABOUT, "full_name": name})
        assert condition_page.status_code == 200
        condition_page = condition_page.content.decode()
        assert "Your condition" in condition_page
        # the token in the page is this client's: the next step goes through with CSRF checks on
        oncology = post_with_page_token(client, condition_page, "condition", {"condition_code": "onc:LUAD"})
        assert oncology.status_code == 200 and "About your cancer" in oncology.content.decode()
        pages.append(condition_page)
    first, second = pages
    assert TOKEN.findall(first) != TOKEN.findall(second)
    assert TOKEN.sub("", first) == TOKEN.sub("", second)


def test_a_signed_in_coordinator_and_then_a_patient_each_see_their_own_page_frame(onc_coordinator):
    coordinator = Client()
    coordinator.force_login(onc_coordinator)
    coordinator.get(reverse("intake:wizard"))
    theirs = wizard_post(coordinator, "about", ABOUT).content.decode()
    patient = Client()
    patient.get(reverse("intake:wizard"))
    mine = wizard_post(patient, "about", ABOUT).content.decode()
    assert "Coordinator queue" in theirs and "Sign out" in theirs
    assert "Coordinator queue" not in mine and "Sign out" not in mine


def test_a_page_asked_for_with_a_query_string_is_not_kept():
    from intake import views

    client = Client()
    client.get(reverse("intake:wizard"))
    kept = len(views._UNFILLED_STEP_PAGES)
    page = client.get(reverse("intake:wizard") + "?anything=1").content.decode()
    assert "About you" in page
    assert len(views._UNFILLED_STEP_PAGES) == kept
