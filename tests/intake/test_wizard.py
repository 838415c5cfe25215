"""The intake through the real wizard view: what the patient sees at each step and what the database holds."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient

from .conftest import ABOUT, MENTAL_HEALTH, ONCOLOGY, WIZARD, birthday, landed_on

pytestmark = pytest.mark.django_db


def start(client, post_step, about=ABOUT, condition=None, condition_text=None):
    client.get(reverse("intake:wizard"))
    post_step("about", about)
    data = {"condition_code": condition or ""}
    if condition_text is not None:
        data["condition_text"] = condition_text
    return post_step("condition", data)


def test_typing_a_synonym_in_spanish_finds_the_condition(client, post_step):
    response = start(client, post_step, condition_text="cáncer de pulmón no microcítico")
    assert "About your cancer" in response.content.decode()
    post_step("oncology", ONCOLOGY)
    assert Patient.objects.get().condition_code == "onc:NSCLC"


def test_typing_an_abbreviation_finds_the_condition(client, post_step):
    start(client, post_step, condition_text="NSCLC")
    post_step("oncology", ONCOLOGY)
    assert Patient.objects.get().condition_code == "onc:NSCLC"


def test_words_that_match_no_condition_are_refused_with_a_message(client, post_step):
    response = start(client, post_step, condition_text="zzzz")
    assert response.status_code == 200
    assert "We did not recognise" in response.content.decode()
    assert 'href="#id_condition-condition_text"' in response.content.decode()


def test_an_empty_condition_step_asks_for_one(client, post_step):
    response = start(client, post_step)
    assert "Type your condition or choose it from the list." in response.content.decode()


def test_biomarkers_are_stored_per_gene_and_untested_genes_stay_unknown(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    post_step("oncology", {**ONCOLOGY, "biomarker_EGFR": "positive", "biomarker_ALK": "negative",
                           "biomarker_KRAS": "unknown"})
    assert Patient.objects.get().answers["biomarkers"] == {"EGFR": "positive", "ALK": "negative"}


def test_i_dont_know_becomes_unknown_not_no(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    post_step("oncology", {"stage": "unknown", "metastatic": "unknown", "ecog": "unknown",
                           "prior_lines": "unknown", "pregnant": "unknown"})
    answers = Patient.objects.get().answers
    assert [answers[key] for key in ("stage", "metastatic", "ecog", "prior_lines", "prior_therapies",
                                     "biomarkers", "pregnant")] == [None] * 7


def test_prior_treatments_by_name_are_resolved_and_shown_back(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    response = post_step("oncology", {**ONCOLOGY, "prior_therapies": ["therapy:radiation"],
                                      "prior_drugs": "Carboplatin, osimertinib, made-up-pill"})
    page = response.content.decode()
    assert "Did we understand your medicines?" in page
    assert "carboplatin" in page.lower() and "osimertinib" in page.lower() and "made-up-pill" in page
    assert Patient.objects.count() == 0  # not saved until the patient confirms
    response = post_step("medicines", {})
    assert landed_on(response) == reverse("patient:sign")
    answers = Patient.objects.get().answers
    assert answers["prior_therapies"] == ["therapy:radiation", "drug:carboplatin", "drug:osimertinib"]
    assert answers["prior_drugs_unrecognised"] == ["made-up-pill"]


def test_duloxetine_is_shown_back_as_an_snri(client, post_step):
    start(client, post_step, condition="psy:MDD")
    response = post_step("mental_health", {**MENTAL_HEALTH, "medications": "duloxetine"})
    assert "duloxetine" in response.content.decode().lower()
    assert "SNRI" in response.content.decode()
    post_step("medicines", {})
    assert Patient.objects.get().answers["medications"] == ["drug:duloxetine"]


def test_not_sure_about_medicines_is_unknown_and_an_empty_list_is_none(client, post_step):
    start(client, post_step, condition="psy:MDD")
    post_step("mental_health", {**MENTAL_HEALTH, "medications_unsure": "on"})
    assert Patient.objects.get().answers["medications"] is None
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    start(client, post_step, about={**ABOUT, "email": "other@example.com"}, condition="psy:MDD")
    post_step("mental_health", MENTAL_HEALTH)
    assert Patient.objects.get(email="other@example.com").answers["medications"] == []


def test_phq9_item_9_above_not_at_all_shows_crisis_resources_before_going_on(client, post_step):
    start(client, post_step, condition="psy:MDD")
    response = post_step("mental_health", {**MENTAL_HEALTH, "phq9_9": "1"})
    page = response.content.decode()
    assert "Before you go on" in page and "988" in page and "911" in page
    assert Patient.objects.count() == 0
    response = post_step("safety", {})
    assert landed_on(response) == reverse("patient:sign")
    patient = Patient.objects.get()
    assert patient.urgent is True and patient.answers["suicidal_ideation"] is True


def test_phq9_item_9_not_at_all_goes_straight_on(client, post_step):
    start(client, post_step, condition="psy:MDD")
    response = post_step("mental_health", MENTAL_HEALTH)
    assert landed_on(response) == reverse("patient:sign")
    patient = Patient.objects.get()
    assert patient.urgent is False and patient.answers["phq9"] == 8 and patient.answers["gad7"] == 7


def test_a_questionnaire_item_left_unsaid_leaves_the_total_unknown(client, post_step):
    start(client, post_step, condition="psy:GAD")
    post_step("mental_health", {**MENTAL_HEALTH, "gad7_3": "unknown"})
    answers = Patient.objects.get().answers
    assert answers["gad7"] is None and answers["phq9"] == 8


def test_pain_duration_is_asked_only_for_pain(client, post_step):
    response = start(client, post_step, condition="pain:FIBROMYALGIA")
    assert "How long have you had this pain?" in response.content.decode()
    response = post_step("mental_health", MENTAL_HEALTH)
    assert "How long have you had this pain?" in response.content.decode()  # required for pain
    post_step("mental_health", {**MENTAL_HEALTH, "pain_months": "12"})
    assert Patient.objects.get().answers["pain_months"] == 12
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    response = start(client, post_step, about={**ABOUT, "email": "b@example.com"}, condition="psy:MDD")
    assert "How long have you had this pain?" not in response.content.decode()


def test_pregnancy_is_not_asked_of_a_male_patient(client, post_step):
    response = start(client, post_step, about={**ABOUT, "sex": "male"}, condition="onc:LUAD")
    assert "pregnant" not in response.content.decode()


def test_a_birthday_under_18_turns_the_form_to_the_parent_or_guardian(client, post_step):
    twelve_years_ago = timezone.localdate() - timedelta(days=365 * 12)
    response = start(client, post_step, about={**ABOUT, **birthday(twelve_years_ago)}, condition="onc:GB")
    page = response.content.decode()
    assert "a parent or legal guardian fills in the rest of this form" in page
    assert "About the child&#x27;s cancer" in page or "About the child's cancer" in page
    assert "My child can do everything" in page
    post_step("oncology", ONCOLOGY)
    assert Patient.objects.get().is_minor is True


def test_going_back_to_give_a_childs_birthday_changes_the_later_steps_wording(client, post_step):
    start(client, post_step, condition="onc:GB")
    client.get(reverse("intake:step", args=["about"]))
    twelve_years_ago = timezone.localdate() - timedelta(days=365 * 12)
    post_step("about", {**ABOUT, **birthday(twelve_years_ago)})
    page = post_step("condition", {"condition_code": "onc:GB"}).content.decode()
    assert "My child can do everything" in page
    post_step("oncology", ONCOLOGY)
    assert Patient.objects.get().is_minor is True


def test_a_birthday_is_given_as_day_named_month_and_year(client, post_step):
    page = client.get(reverse("intake:wizard"), follow=True).content.decode()
    assert '<option value="12">December</option>' in page
    assert "For example 23 April 1975" in page
    start(client, post_step, about={**ABOUT, **birthday(date(1972, 6, 15))}, condition="onc:LUAD")
    post_step("oncology", ONCOLOGY)
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
    post_step("oncology", ONCOLOGY)
    patient = Patient.objects.get()
    assert patient.birth_date == born and patient.is_minor is True


def test_a_date_typed_in_one_box_is_not_read_as_a_birthday(client, post_step):
    client.get(reverse("intake:wizard"))
    response = post_step("about", {**{k: v for k, v in ABOUT.items() if not k.startswith("birth_date")},
                                   "birth_date": "05/12/2008"})
    assert "Enter the day, the month and the year" in response.content.decode() or \
        "This field is required" in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.parametrize(("parts", "message"), [
    ({"birth_date_day": "31", "birth_date_month": "2", "birth_date_year": "1970"}, "Enter a real date"),
    ({"birth_date_day": "3", "birth_date_month": "", "birth_date_year": "1970"}, "Enter the day, the month and"),
    ({"birth_date_day": "3", "birth_date_month": "4", "birth_date_year": "70"}, "Enter the year with four digits"),
    ({"birth_date_day": "1", "birth_date_month": "1", "birth_date_year": "2999"}, "cannot be in the future"),
])
def test_a_birthday_that_is_not_a_real_date_gets_a_clear_message(client, post_step, parts, message):
    client.get(reverse("intake:wizard"))
    response = post_step("about", {**ABOUT, **parts})
    page = response.content.decode()
    assert message in page
    assert 'href="#id_about-birth_date_0"' in page and 'id="id_about-birth_date_0"' in page


def test_the_error_summary_links_to_each_field_including_radio_groups(client, post_step):
    client.get(reverse("intake:wizard"))
    response = post_step("about", {**ABOUT, "sex": "", "email": "nope"})
    page = response.content.decode()
    assert 'href="#id_about-sex_0"' in page and 'id="id_about-sex_0"' in page
    assert 'href="#id_about-email"' in page
    assert "<legend" in page  # the radio group is a fieldset with a legend


def test_coming_back_to_the_wizard_keeps_the_progress(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    response = client.get(reverse("intake:wizard"), follow=True)
    assert "About your cancer" in response.content.decode()
    assert "Step 3 of 4" in response.content.decode()


def test_switching_language_keeps_the_progress_and_speaks_spanish(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("intake:wizard")},
                           follow=True)
    page = response.content.decode()
    assert 'lang="es"' in page
    assert "Paso 3 de 4" in page
    post_step("oncology", ONCOLOGY)
    assert Patient.objects.get().language == "es"


def test_going_back_shows_the_answers_already_given(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    response = client.get(reverse("intake:step", args=["condition"]))
    assert 'value="onc:LUAD" selected' in response.content.decode()


def test_starting_over_clears_the_progress(client, post_step):
    start(client, post_step, condition="onc:LUAD")
    response = client.post(reverse("intake:wizard"), {"start_over": "1"}, follow=True)
    assert "Step 1 of 4" in response.content.decode()


def test_the_mental_health_page_holds_the_crisis_box_ready_for_item_9(client, post_step):
    response = start(client, post_step, condition="psy:MDD")
    page = response.content.decode()
    assert 'id="crisis-inline"' in page and "hidden" in page.split('id="crisis-inline"')[1][:200]
    assert all(f"mental_health-phq9_{n}" in page for n in range(1, 10))


def test_an_earlier_step_no_longer_valid_at_submission_is_shown_again_and_nothing_is_saved(client, post_step):
    """The last step re-checks every stored step (formtools' guard)."""
    start(client, post_step, condition="onc:LUAD")
    session = client.session
    stored = session[f"wizard_{WIZARD}"]["step_data"]
    stored["about"]["about-email"] = ["not an address"]
    session[f"wizard_{WIZARD}"]["step_data"] = stored
    session.save()
    response = post_step("oncology", ONCOLOGY)
    assert response.status_code == 200
    assert not Patient.objects.exists()
    page = response.content.decode()
    assert "About you" in page and 'href="#id_about-email"' in page
