"""Pain conditions ask about pain (issue 17 item 7): intensity now and on average on the 0–10 scale, and how long;
medicines are named in plain words first, their class's technical name second."""

import pytest
from django.urls import reverse
from django.utils import translation

from intake.forms import describe_drugs
from intake.models import Patient
from tests.conftest import make_trial

from .conftest import ABOUT, step_of, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("condition", ["pain:FIBROMYALGIA", "pain:NEUROPATHIC", "pain:CLBP"])
def test_every_pain_condition_asks_about_pain_now_on_average_and_for_how_long(client, demo_trials, condition):
    response = walk(client, condition=condition, stop_at="questions")
    fields = response.context["wizard"]["form"].fields
    assert {"pain_now", "pain_average", "pain_months"} <= set(fields)
    assert [value for value, _label in fields["pain_average"].choices][:11] == [str(n) for n in range(11)]
    page = response.content.decode()
    assert "How much pain do you have right now?" in page and "On average, how bad has your pain been?" in page
    assert "10: pain as bad as you can imagine" in page and "0: no pain" in page


def test_a_pain_condition_whose_trials_ask_nothing_more_still_asks_about_pain(client, mental_health_team):
    make_trial("TB-TEST-PHN", mental_health_team, codes=["pain:PHN"], min_age=50)
    response = walk(client, about={**ABOUT, "sex": "male"}, condition="pain:PHN", stop_at="questions")
    assert set(response.context["wizard"]["form"].fields) == {"pain_now", "pain_average", "pain_months"}


def test_pain_answers_are_stored_for_the_coordinators(client, demo_trials):
    walk(client, condition="pain:FIBROMYALGIA", questions={"pain_now": "6", "pain_average": "7", "pain_months": "12"})
    answers = Patient.objects.get().answers
    assert (answers["pain_now"], answers["pain_average"], answers["pain_months"]) == (6, 7, 12)


def test_depression_is_not_asked_about_pain(client, demo_trials):
    response = walk(client, condition="psy:MDD", stop_at="questions")
    assert not {"pain_now", "pain_average"} & set(response.context["wizard"]["form"].fields)


def test_the_pain_questions_are_in_spanish(client, demo_trials):
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    page = walk(client, condition="pain:FIBROMYALGIA", stop_at="questions").content.decode()
    assert "¿Cuánto dolor tiene ahora mismo?" in page and "10: el peor dolor que pueda imaginar" in page


@pytest.mark.parametrize(("drug", "english", "spanish"), [
    ("drug:carboplatin", "a type of chemotherapy (platinum)", "un tipo de quimioterapia (platino)"),
    ("drug:pembrolizumab", "an immunotherapy (anti-PD-1/PD-L1)", "una inmunoterapia (anti-PD-1/PD-L1)"),
    ("drug:osimertinib", "a targeted therapy (EGFR TKI)", "una terapia dirigida (ITC de EGFR)"),
    ("drug:duloxetine", "an antidepressant (SNRI)", "un antidepresivo (IRSN)"),
    ("drug:pregabalin", "a medicine for nerve pain (gabapentinoid)", "un medicamento para el dolor de los nervios"),
])
def test_medicines_are_named_in_plain_words_with_the_technical_name_second(drug, english, spanish):
    assert describe_drugs([drug], "en")[0][1] == english
    with translation.override("es"):
        assert describe_drugs([drug], "es")[0][1].startswith(spanish)


def test_the_medicines_check_shows_the_plain_words(client, demo_trials):
    walk(client, condition="pain:FIBROMYALGIA", questions={"medications": "duloxetine, pregabalin"},
         stop_at="contact")
    page = client.get(reverse("intake:step", args=["medicines"]))
    assert step_of(page) == "medicines"
    text = page.content.decode()
    assert "an antidepressant (SNRI)" in text and "a medicine for nerve pain (gabapentinoid)" in text
