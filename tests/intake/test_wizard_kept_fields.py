"""The wizard keeps the HTML of a step nobody has typed into yet (intake.views._UNFILLED_STEP_HTML): each
patient must still see the wording, language and questions meant for them, and their own answers."""

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
