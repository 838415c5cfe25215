"""The intake through the real wizard view: what the patient sees at each step and what the database holds."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient

from .conftest import ABOUT, CONTACT, ONCOLOGY, WIZARD, birthday, landed_on, step_of, walk

pytestmark = pytest.mark.django_db


def test_typing_a_synonym_in_spanish_finds_the_condition(client, post_step, demo_trials):
    client.get(reverse("intake:wizard"))
    post_step("about", ABOUT)
    response = post_step("condition", {"condition_text": "cáncer de pulmón no microcítico"})
    assert step_of(response) == "results"
    walk(client, questions=ONCOLOGY)
    assert Patient.objects.get().condition_code == "onc:NSCLC"


def test_typing_an_abbreviation_finds_the_condition(client, post_step):
    client.get(reverse("intake:wizard"))
    post_step("about", ABOUT)
    assert step_of(post_step("condition", {"condition_text": "NSCLC"})) == "results"
    walk(client)
    assert Patient.objects.get().condition_code == "onc:NSCLC"


def test_words_that_match_no_condition_are_refused_with_a_message(client, post_step):
    client.get(reverse("intake:wizard"))
    post_step("about", ABOUT)
    page = post_step("condition", {"condition_text": "zzzz"}).content.decode()
    assert "We did not recognise" in page
    assert 'href="#id_condition-condition_text"' in page


def test_an_empty_condition_step_asks_for_one(client, post_step):
    client.get(reverse("intake:wizard"))
    post_step("about", ABOUT)
    assert "Type your condition or choose it from the list." in post_step("condition", {}).content.decode()


def test_biomarkers_are_stored_per_gene_and_untested_genes_stay_unknown(client, demo_trials):
    walk(client, questions={**ONCOLOGY, "biomarker_EGFR": "positive", "biomarker_ALK": "negative"})
    assert Patient.objects.get().answers["biomarkers"] == {"EGFR": "positive", "ALK": "negative"}


def test_i_dont_know_becomes_unknown_not_no(client, demo_trials):
    walk(client, questions={})  # every question answered "I don't know"
    answers = Patient.objects.get().answers
    assert [answers[key] for key in ("stage", "ecog", "prior_lines", "prior_therapies", "biomarkers",
                                     "pregnant")] == [None] * 6


def test_prior_treatments_by_name_are_resolved_and_shown_back(client, demo_trials):
    response = walk(client, questions={**ONCOLOGY, "prior_therapies": ["therapy:radiation"],
                                       "prior_drugs": "Carboplatin, osimertinib, made-up-pill"}, stop_at="contact")
    assert step_of(response) == "contact"
    page = client.get(reverse("intake:step", args=["medicines"])).content.decode()
    assert "Did we understand your medicines?" in page
    assert "carboplatin" in page.lower() and "osimertinib" in page.lower() and "made-up-pill" in page
    assert Patient.objects.count() == 0  # not saved until the patient has checked every answer
    assert landed_on(walk(client)) == reverse("patient:sign")
    answers = Patient.objects.get().answers
    assert answers["prior_therapies"] == ["therapy:radiation", "drug:carboplatin", "drug:osimertinib"]
    assert answers["prior_drugs_unrecognised"] == ["made-up-pill"]


def test_duloxetine_is_shown_back_with_its_class(client, demo_trials):
    walk(client, condition="psy:MDD", questions={"medications": "duloxetine"}, stop_at="contact")
    page = client.get(reverse("intake:step", args=["medicines"])).content.decode()
    assert "duloxetine" in page.lower() and "SNRI" in page
    walk(client)
    assert Patient.objects.get().answers["medications"] == ["drug:duloxetine"]


def test_not_sure_about_medicines_is_unknown_and_an_empty_list_is_none(client, demo_trials):
    walk(client, condition="psy:MDD", questions={"medications_unsure": "on"})
    assert Patient.objects.get().answers["medications"] is None
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    walk(client, condition="psy:MDD", questions={"medications": ""}, contact={**CONTACT, "email": "b@example.com"})
    assert Patient.objects.get(email="b@example.com").answers["medications"] == []


def test_thoughts_of_self_harm_show_crisis_resources_before_going_on(client, demo_trials):
    response = walk(client, condition="psy:MDD", questions={"phq9_9": "1"}, stop_at="safety")
    page = response.content.decode()
    assert "Before you go on" in page and "988" in page and "911" in page
    assert Patient.objects.count() == 0
    walk(client)
    patient = Patient.objects.get()
    assert patient.urgent is True and patient.answers["suicidal_ideation"] is True


def test_no_thoughts_of_self_harm_goes_straight_on(client, demo_trials):
    response = walk(client, condition="psy:MDD", questions={"phq9_9": "0"}, stop_at="contact")
    assert step_of(response) == "contact"
    walk(client)
    patient = Patient.objects.get()
    assert patient.urgent is False and patient.answers["suicidal_ideation"] is False


def test_the_self_harm_question_holds_the_crisis_box_ready(client, demo_trials):
    page = walk(client, condition="psy:MDD", stop_at="questions").content.decode()
    assert 'id="crisis-inline"' in page and "hidden" in page.split('id="crisis-inline"')[1][:200]
    assert "questions-phq9_9" in page


def test_pain_duration_is_asked_only_for_pain(client, demo_trials):
    page = walk(client, condition="pain:FIBROMYALGIA", stop_at="questions").content.decode()
    assert "How long have you had this pain?" in page
    walk(client, questions={"pain_months": "12"})
    assert Patient.objects.get().answers["pain_months"] == 12
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    page = walk(client, condition="psy:MDD", stop_at="questions").content.decode()
    assert "How long have you had this pain?" not in page


def test_pregnancy_is_not_asked_of_a_male_patient(client, demo_trials):
    page = walk(client, about={**ABOUT, "sex": "male"}, stop_at="questions").content.decode()
    assert "pregnant" not in page


def test_a_birthday_under_18_turns_the_form_to_the_parent_or_guardian(client, demo_trials):
    twelve_years_ago = timezone.localdate() - timedelta(days=365 * 12)
    response = walk(client, about={**ABOUT, **birthday(twelve_years_ago)}, condition="onc:GB", stop_at="condition")
    page = response.content.decode()
    assert "a parent or legal guardian fills in the rest of this form" in page
    assert "Type the child&#x27;s condition" in page or "Type the child's condition" in page
    page = walk(client, condition="onc:GB", stop_at="contact").content.decode()
    assert "The child&#x27;s full name" in page or "The child's full name" in page
    walk(client)
    assert Patient.objects.get().is_minor is True


def test_going_back_to_give_a_childs_birthday_changes_the_later_steps_wording(client, post_step):
    walk(client, stop_at="contact")
    client.get(reverse("intake:step", args=["about"]))
    twelve_years_ago = timezone.localdate() - timedelta(days=365 * 12)
    post_step("about", {**ABOUT, **birthday(twelve_years_ago)})
    page = walk(client, stop_at="contact").content.decode()
    assert "The child&#x27;s full name" in page or "The child's full name" in page
    walk(client)
    assert Patient.objects.get().is_minor is True


def test_a_birthday_is_given_as_day_named_month_and_year(client):
    page = client.get(reverse("intake:wizard"), follow=True).content.decode()
    assert '<option value="12">December</option>' in page
    assert "For example 23 April 1975" in page
    walk(client, about={**ABOUT, **birthday(date(1972, 6, 15))})
    assert Patient.objects.get().birth_date == date(1972, 6, 15)


def test_a_birthday_cannot_change_meaning_when_the_language_changes(client, post_step):
    """The old swap: "05/12/2008" typed in Spanish (5 December) was read again in English as 12 May, which made a
    17-year-old an adult who could sign for themself. Given as day 5, December, it stays 5 December."""
    today = timezone.localdate()
    # 5 December, with the 18th birthday still ahead (on 1 December 2026: 5 December 2008).
    born = date(today.year - 17 if (today.month, today.day) >= (12, 5) else today.year - 18, 12, 5)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    client.get(reverse("intake:wizard"))
    post_step("about", {**ABOUT, **birthday(born)})
    client.post(reverse("set_language"), {"language": "en", "next": reverse("intake:wizard")})
    page = post_step("condition", {"condition_code": "onc:GB"}).content.decode()
    assert "a parent or legal guardian fills in the rest of this form" in page
    walk(client)
    patient = Patient.objects.get()
    assert patient.birth_date == born and patient.is_minor is True


def test_a_date_typed_in_one_box_is_not_read_as_a_birthday(client, post_step):
    client.get(reverse("intake:wizard"))
    response = post_step("about", {**{k: v for k, v in ABOUT.items() if not k.startswith("birth_date")},
                                   "birth_date": "05/12/2008"})
    assert "This field is required" in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.parametrize(("parts", "message"), [
    ({"birth_date_day": "31", "birth_date_month": "2", "birth_date_year": "1970"}, "Enter a real date"),
    ({"birth_date_day": "3", "birth_date_month": "", "birth_date_year": "1970"}, "Enter the day, the month and"),
    ({"birth_date_day": "3", "birth_date_month": "4", "birth_date_year": "70"}, "Enter the year with four digits"),
    ({"birth_date_day": "1", "birth_date_month": "1", "birth_date_year": "2999"}, "cannot be in the future"),
])
def test_a_birthday_that_is_not_a_real_date_gets_a_clear_message(client, post_step, parts, message):
    client.get(reverse("intake:wizard"))
    page = post_step("about", {**ABOUT, **parts}).content.decode()
    assert message in page
    assert 'href="#id_about-birth_date_0"' in page and 'id="id_about-birth_date_0"' in page


def test_a_birthday_over_120_years_ago_is_refused(client, post_step):
    client.get(reverse("intake:wizard"))
    today = timezone.localdate()
    response = post_step("about", {**ABOUT, **birthday(today.replace(year=today.year - 121))})
    assert "more than 120 years ago" in response.content.decode()


def test_the_error_summary_links_to_each_field_including_radio_groups(client, post_step):
    client.get(reverse("intake:wizard"))
    page = post_step("about", {**ABOUT, "sex": ""}).content.decode()
    assert 'href="#id_about-sex_0"' in page and 'id="id_about-sex_0"' in page
    assert "<legend" in page  # the radio group is a fieldset with a legend
    page = walk(client, contact={**CONTACT, "email": "nope"}).content.decode()
    assert 'href="#id_contact-email"' in page


def test_coming_back_to_the_wizard_keeps_the_progress(client, demo_trials):
    walk(client, stop_at="questions")
    page = client.get(reverse("intake:wizard"), follow=True).content.decode()
    assert "About your cancer" in page
    assert "Step 2 of 5" in page


def test_switching_language_keeps_the_progress_and_speaks_spanish(client, demo_trials):
    walk(client, stop_at="questions")
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("intake:wizard")},
                           follow=True)
    page = response.content.decode()
    assert 'lang="es"' in page
    assert "Paso 2 de 5" in page
    walk(client, questions=ONCOLOGY)
    assert Patient.objects.get().language == "es"


def test_starting_over_clears_the_progress(client):
    walk(client, stop_at="contact")
    response = client.post(reverse("intake:wizard"), {"start_over": "1"}, follow=True)
    assert step_of(response) == "about"
    assert "Step 1 of 5" in response.content.decode()
    assert 'value="77030"' not in response.content.decode()


def test_an_earlier_step_no_longer_valid_at_submission_is_shown_again_and_nothing_is_saved(client, post_step):
    """The last step re-checks every stored step (formtools' guard)."""
    walk(client, stop_at="review")
    session = client.session
    stored = session[f"wizard_{WIZARD}"]["step_data"]
    stored["contact"]["contact-email"] = ["not an address"]
    session[f"wizard_{WIZARD}"]["step_data"] = stored
    session.save()
    response = post_step("review", {})
    assert not Patient.objects.exists()
    assert step_of(response) == "contact"
    assert 'href="#id_contact-email"' in response.content.decode()


def test_no_answer_is_chosen_for_the_patient_not_even_i_dont_know(client, demo_trials):
    page = walk(client, condition="pain:FIBROMYALGIA", stop_at="questions").content.decode()
    assert " checked" not in page
    assert "Choose a number from 0 (no pain) to 10" in page
