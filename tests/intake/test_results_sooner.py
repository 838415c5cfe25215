"""Results sooner (issue 17 item 1): the first answers every trial needs, then at once how many recruiting trials
fit that much (counts only, nothing stored), then only the questions the trials for that condition ask; what does
not fit in the intake is asked after signing, as follow-ups that sharpen the matches."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from matches.models import Match
from tests.conftest import make_trial, sign

from .conftest import ABOUT, birthday, step_of, walk, wizard_post

pytestmark = pytest.mark.django_db

WOMAN_OF_54 = ABOUT
MAN_OF_54 = {**ABOUT, "sex": "male"}


def born_years_ago(years):
    today = timezone.localdate()
    return birthday(date(today.year - years, 1, 1) if today >= date(today.year, 1, 2) else
                    date(today.year - years - 1, 1, 1))


def question_names(response):
    return set(response.context["wizard"]["form"].fields)


def test_the_count_comes_right_after_the_first_answers_and_nothing_is_stored(client, demo_trials):
    response = walk(client, stop_at="results")
    page = response.content.decode()
    # The demo's recruiting trials for lung adenocarcinoma: three for non-small cell lung cancer and one for
    # adenocarcinoma itself, all open to a woman of 54 who can travel any distance.
    assert "4 recruiting trials may fit what you have told us so far." in page
    assert "Of 4 recruiting trials for Lung adenocarcinoma" in page
    assert not Patient.objects.exists() and not Match.objects.exists()


def test_the_count_says_plainly_when_no_trial_is_within_reach(client, demo_trials):
    far_away = {**ABOUT, "postal_code": "99501", "travel_radius": "25"}  # Anchorage, 25 miles
    page = walk(client, about=far_away, stop_at="results").content.decode()
    assert "No recruiting trial fits what you have told us so far." in page
    assert "There are 4 recruiting trials for Lung adenocarcinoma, but none" in page


def test_the_travel_question_has_no_preselected_answer(client):
    page = client.get(reverse("intake:wizard"), follow=True).content.decode()
    radios = re.findall(r'<input[^>]*name="about-travel_radius"[^>]*>', page)
    assert len(radios) == 5 and not any("checked" in radio for radio in radios)
    response = wizard_post(client, "about", {k: v for k, v in ABOUT.items() if k != "travel_radius"})
    assert "Choose how far you could travel." in response.content.decode()


def test_lung_cancer_asks_for_egfr_and_alk_and_no_other_marker(client, demo_trials):
    names = question_names(walk(client, condition="onc:LUAD", stop_at="questions"))
    assert {"biomarker_EGFR", "biomarker_ALK"} <= names
    assert not {name for name in names if name.startswith("biomarker_")} - {"biomarker_EGFR", "biomarker_ALK"}


def test_breast_cancer_asks_for_er_pr_and_her2(client, demo_trials):
    names = question_names(walk(client, condition="onc:BREAST", stop_at="questions"))
    assert {name for name in names if name.startswith("biomarker_")} == {"biomarker_ER", "biomarker_PR",
                                                                           "biomarker_HER2"}


def test_an_eight_year_old_is_not_asked_about_pregnancy_and_is_taken_as_not_pregnant(client, demo_trials):
    make_trial("TB-TEST-BLL", demo_trials[0].team, codes=["onc:BLL"], min_age=1, max_age=21,
               criteria={"all": [{"prior_lines": {"max": 1}}, {"not": {"pregnant": True}}]})
    response = walk(client, about={**ABOUT, **born_years_ago(8)}, condition="onc:BLL", stop_at="questions")
    assert "prior_lines" in question_names(response) and "pregnant" not in question_names(response)
    walk(client)
    assert Patient.objects.get().answers["pregnant"] is False


def test_a_man_is_not_asked_about_pregnancy(client, demo_trials):
    assert "pregnant" not in question_names(walk(client, about=MAN_OF_54, stop_at="questions"))


def test_a_question_is_asked_only_where_a_trial_of_that_condition_uses_it(client, demo_trials):
    assert "comorbidities" not in question_names(walk(client, condition="pain:CLBP", stop_at="questions"))
    make_trial("TB-TEST-CLBP", demo_trials[0].team, codes=["pain:CLBP"],
               criteria={"not": {"comorbidity": ["other:SEIZURE"]}})
    client.post(reverse("intake:wizard"), {"start_over": "1"})
    assert "comorbidities" in question_names(walk(client, condition="pain:CLBP", stop_at="questions"))


def test_a_condition_whose_trials_ask_nothing_more_goes_straight_to_the_contact_details(client, demo_trials):
    response = walk(client, about={**ABOUT, **born_years_ago(8)}, condition="onc:BLL", stop_at="contact")
    assert step_of(response) == "contact"
    assert "questions" not in [step_of_url(url) for url, _code in response.redirect_chain]


def step_of_url(url):
    return url.strip("/").split("/")[-1]


PATHS = {
    "lung cancer, woman of 54": dict(about=WOMAN_OF_54, condition="onc:LUAD"),
    "lung cancer, man of 54": dict(about=MAN_OF_54, condition="onc:NSCLC"),
    "breast cancer, woman of 54": dict(about=WOMAN_OF_54, condition="onc:BREAST"),
    "leukemia, girl of 8": dict(about={**ABOUT, **born_years_ago(8)}, condition="onc:BLL"),
    "depression, man of 54": dict(about=MAN_OF_54, condition="psy:MDD"),
    "anxiety, woman of 54": dict(about=WOMAN_OF_54, condition="psy:GAD"),
    "fibromyalgia, woman of 54": dict(about=WOMAN_OF_54, condition="pain:FIBROMYALGIA"),
    "neuropathic pain, man of 54": dict(about=MAN_OF_54, condition="pain:NEUROPATHIC"),
}


def measure(client, about, condition):
    """(answers a person gives, boxes on the pages) on every page before the authorization."""
    answers, boxes = 0, 0
    response = client.get(reverse("intake:wizard"), follow=True)
    given = {"about": about, "condition": {"condition_code": condition},
             "contact": {"full_name": "Pat", "email": "pat@example.com", "phone": ""}}
    while (step := step_of(response)) is not None:
        form = response.context["wizard"]["form"]
        answers += form.inputs if hasattr(form, "questions") else form.input_count() if hasattr(
            form, "input_count") else 0
        page = response.content.decode()
        boxes += len(set(re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*name="([^"]+)"',
                                    page)) - {"start_over", "language"})
        data = given.get(step, {})
        if step == "questions":
            from .conftest import dont_know

            data = dont_know(form)
        response = wizard_post(client, step, data)
    assert response.request["PATH_INFO"] == reverse("patient:sign")
    return answers, boxes


def test_inputs_per_path_before_signing(client, demo_trials, capsys, settings):
    """Measured on the demo trials and printed; the target is 15 answers before the authorization."""
    settings.RATE_LIMITS = {}  # eight intakes in a row from one address
    rows = {}
    for name, path in PATHS.items():
        client.post(reverse("intake:wizard"), {"start_over": "1"})
        rows[name] = measure(client, **path)
    with capsys.disabled():
        print("\nInputs before signing, per path (answers a person gives; boxes and lists on the pages):")
        for name, (answers, boxes) in rows.items():
            print(f"  {name:30} {answers:3} answers  {boxes:3} boxes")
    assert all(answers <= 15 for answers, _boxes in rows.values()), rows


def test_what_the_intake_did_not_ask_is_asked_after_signing(client, demo_trials, django_capture_on_commit_callbacks):
    walk(client)
    patient = Patient.objects.get()
    assert "biomarkers" not in patient.answers or "KRAS" not in (patient.answers["biomarkers"] or {})
    with django_capture_on_commit_callbacks(execute=True):
        sign(patient)
    kras_trial = Match.objects.get(patient=patient, trial__ref="TB-DEMO-004")
    assert kras_trial.verdict == "possible" and "biomarkers.KRAS" in kras_trial.questions
    page = client.get(reverse("patient:status", args=[patient.status_token()])).content.decode()
    assert "KRAS mutation" in page  # the follow-up question that would settle it


def test_nothing_is_asked_twice_when_the_birthday_says_a_child(client, demo_trials):
    twelve = timezone.localdate() - timedelta(days=365 * 12 + 3)
    response = walk(client, about={**ABOUT, **birthday(twelve)}, condition="onc:GB", stop_at="contact")
    assert step_of(response) == "contact"
