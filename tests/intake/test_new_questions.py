"""The new criteria's questions (issue 15 item 3, the intake's side) and the follow-up form built from the leaves'
declarations (issue 13 item 6): asked in English and Spanish, answered into the facts Patient.profile() reads, and
a leaf declared here, in a test, asked with no intake code."""

from datetime import date

import pytest
from django.utils import translation

from intake.forms import FollowUpForm, QuestionsForm
from intake.services import update_answers
from tests.conftest import make_patient, make_trial
from trials.eligibility import Choice, Profile, Question, evaluate, register
from trials.eligibility.declaration import unregister
from trials.eligibility.kinds import RangeLeaf, YesNoLeaf
from trials.eligibility.words import _

from .conftest import ABOUT, walk

pytestmark = pytest.mark.django_db

NEW_QUESTIONS = {
    "disease_status": ("Which best describes your illness now?", "¿Qué describe mejor su enfermedad ahora?"),
    "brain_metastases": ("Has the cancer spread to the brain?", "¿Se ha extendido el cáncer al cerebro?"),
    "other_cancer": ("Have you ever had another cancer, different from this one?", "¿Ha tenido alguna vez otro"),
    "comorbidities": ("Do you have any of these conditions?", "¿Tiene alguna de estas afecciones?"),
    "last_therapy_weeks": ("When did you last receive this treatment?", "¿Cuándo recibió este tratamiento"),
    "measurable_disease": ("Do your scans show a tumor that your doctors can measure?", "¿Sus estudios de imagen"),
    "suicidal_behavior": ("Have you ever tried to end your life, or started to prepare to?",
                          "¿Alguna vez ha intentado quitarse la vida"),
}


def words_of(form):
    """The labels and legends a page built from the form shows (templates/intake/questions.html)."""
    return " ".join([form.as_div().replace("&#x27;", "'"), *(str(legend) for legend, _ in form.groups() if legend)])


@pytest.mark.parametrize("key", NEW_QUESTIONS)
def test_each_new_criterion_has_its_question_in_english_and_spanish(client, key):
    english, spanish = NEW_QUESTIONS[key]
    assert english in words_of(FollowUpForm(questions=[key], answers={}, prefix="followup"))
    with translation.override("es"):
        assert spanish in words_of(FollowUpForm(questions=[key], answers={}, prefix="followup"))


def test_psychosis_and_bipolar_disorder_are_asked_among_the_other_conditions():
    page = FollowUpForm(questions=["comorbidities"], answers={}).as_div()
    assert "Bipolar disorder" in page and "Psychotic disorder (psychosis)" in page and "HIV infection" in page
    assert "None of these" in page and "I don&#x27;t know" in page


ANSWERS = {
    "disease_status": "relapsed", "brain_metastases": "treated_stable", "measurable_disease": "yes",
    "other_cancer": "yes", "other_cancer_years_ago": "3", "comorbidities": ["other:HIV", "psy:BIPOLAR"],
    "last_therapy_weeks_chemotherapy": "0", "last_therapy_weeks_immunotherapy": "never",
    "last_therapy_weeks_radiation": "2", "last_therapy_weeks_targeted": "never", "last_therapy_weeks_hormone": "never",
    "suicidal_behavior": "yes", "suicidal_behavior_months_ago": "6",
}


def test_answers_to_the_new_questions_become_the_facts_the_engine_reads():
    patient = make_patient()
    form = FollowUpForm(ANSWERS, questions=list(NEW_QUESTIONS), answers=patient.answers)
    assert form.is_valid(), form.errors
    update_answers(patient=patient, answers=form.answers())
    patient.refresh_from_db()
    profile = patient.profile()
    assert (profile.disease_status, profile.brain_metastases, profile.measurable_disease) == (
        "relapsed", "treated_stable", True)
    assert (profile.other_cancer, profile.other_cancer_years_ago) == (True, 3)
    assert profile.comorbidities == ("other:HIV", "psy:BIPOLAR")
    assert profile.last_therapy_weeks["therapy:chemotherapy"] == (0, 4)
    assert profile.last_therapy_weeks["therapy:radiation"] == (13, None)
    assert "therapy:immunotherapy" not in profile.last_therapy_weeks
    assert (profile.suicidal_behavior, profile.suicidal_behavior_months_ago) == (True, 6)
    assert patient.answers["ecog"] == 1  # what was on file stays


def verdict_for(rule, answers):
    form = FollowUpForm(answers, questions=["last_therapy_weeks"], answers={})
    assert form.is_valid(), form.errors
    profile = Profile(birth_date=date(1970, 5, 1), last_therapy_weeks=form.answers()["last_therapy_weeks"])
    return evaluate(rule, profile, today=date(2026, 12, 1)).outcome


NO_IMMUNOTHERAPY = {"last_therapy_weeks_" + kind: "never" for kind in
                    ("chemotherapy", "immunotherapy", "radiation", "targeted", "hormone")}


@pytest.mark.parametrize(("answer", "excluded_drug", "outcome"), [
    ("0", "drug:pembrolizumab", "possible"),  # some immunotherapy in the last 4 weeks: which one is not known
    ("0", "therapy:immunotherapy", "not_eligible"),  # the kind itself: excluded
    ("2", "drug:pembrolizumab", "eligible"),  # none of that kind for more than 3 months
    ("never", "class:PD1_PDL1", "eligible"),
    ("unknown", "class:PD1_PDL1", "possible"),
])
def test_a_treatment_kind_answered_never_says_a_drug_of_that_kind_was_not_given(answer, excluded_drug, outcome):
    rule = {"not": {"recent_therapy": {"items": [excluded_drug], "within_weeks": 4}}}
    assert verdict_for(rule, {**NO_IMMUNOTHERAPY, "last_therapy_weeks_immunotherapy": answer}) == outcome


def test_the_intake_asks_the_new_questions_where_a_trial_of_that_condition_uses_them(client, oncology_team):
    make_trial("TB-TEST-HL", oncology_team, codes=["onc:HL"], criteria={"all": [
        {"disease_status": ["relapsed", "refractory"]}, {"not": {"brain_metastases": "active"}},
        {"not": {"other_cancer": {"within_years": 5}}}, {"not": {"comorbidity": ["other:HIV", "other:HBV"]}},
        {"measurable_disease": True}]})
    response = walk(client, about={**ABOUT, "sex": "male"}, condition="onc:HL", stop_at="questions")
    fields = set(response.context["wizard"]["form"].fields)
    assert {"disease_status", "brain_metastases", "other_cancer", "other_cancer_years_ago", "comorbidities",
            "measurable_disease"} <= fields
    walk(client, questions={"disease_status": "relapsed", "brain_metastases": "none", "other_cancer": "no",
                            "comorbidities": ["none"], "measurable_disease": "yes"})
    from intake.models import Patient

    profile = Patient.objects.get().profile()
    assert (profile.disease_status, profile.brain_metastases, profile.other_cancer, profile.comorbidities,
            profile.measurable_disease) == ("relapsed", "none", False, (), True)


def test_a_mental_health_intake_asks_about_suicidal_behaviour_psychosis_and_bipolar_disorder(client,
                                                                                               mental_health_team):
    make_trial("TB-TEST-PANIC", mental_health_team, codes=["psy:PANIC"], criteria={"all": [
        {"not": {"suicidal_behavior": {"within_months": 12}}}, {"not": {"comorbidity": ["psy:BIPOLAR",
                                                                                         "psy:PSYCHOSIS"]}}]})
    response = walk(client, condition="psy:PANIC", stop_at="questions")
    page = response.content.decode()
    assert "Have you ever tried to end your life" in page and "Bipolar disorder" in page


# A leaf declared here, as a new one would be in trials/eligibility/leaves/: its follow-up question needs no
# intake code.
HBA1C = RangeLeaf(
    "hba1c_test_leaf", "hba1c_percent", low=3, high=20, integer=False, example={"max": 8},
    subject=_("HbA1c %(value)s%%"), not_given=_("HbA1c not given"),
    statement=_("Your last HbA1c was %(value)s%%"), unknown=_("We don't know your last HbA1c result yet."),
    questions=[Question("hba1c_percent", "number", _("What was your last HbA1c result?"), minimum=3, maximum=20,
                        unit=_("%"))],
)
DIALYSIS = YesNoLeaf(
    "dialysis_test_leaf", "on_dialysis", yes=(_("On dialysis"), _("You told us you are on dialysis.")),
    no=(_("Not on dialysis"), _("You told us you are not on dialysis.")),
    unknown=(_("Dialysis not given"), _("We don't know yet whether you are on dialysis.")),
    questions=[Question("on_dialysis", "yes_no", _("Are you on dialysis?"))],
)
KIDNEY_FUNCTION = YesNoLeaf(
    "kidney_stage_test_leaf", "kidney_stage", yes=("", ""), no=("", ""), unknown=("", ""),
    questions=[Question("kidney_stage", "choice", _("What did your doctor say about your kidneys?"), choices=(
        Choice("normal", _("They work normally")), Choice("reduced", _("They work less than they should"))))],
)


@pytest.fixture
def new_leaves():
    for leaf in (HBA1C, DIALYSIS, KIDNEY_FUNCTION):
        register(leaf)
    yield
    for leaf in (HBA1C, DIALYSIS, KIDNEY_FUNCTION):
        unregister(leaf.name)


def test_a_leaf_declared_in_a_test_is_asked_as_a_follow_up_with_no_intake_code(client, new_leaves):
    questions = ["hba1c_percent", "on_dialysis", "kidney_stage"]
    form = FollowUpForm(questions=questions, answers={}, prefix="followup")
    assert form.asked == questions
    page = form.as_div()
    assert "What was your last HbA1c result?" in page and "%" in page and 'max="20"' in page
    assert "Are you on dialysis?" in page and "They work less than they should" in page
    patient = make_patient()
    posted = FollowUpForm({"followup-hba1c_percent": "7.5", "followup-on_dialysis": "no",
                           "followup-kidney_stage": "reduced"}, questions=questions, answers=patient.answers,
                          prefix="followup")
    assert posted.is_valid(), posted.errors
    update_answers(patient=patient, answers=posted.answers())
    patient.refresh_from_db()
    assert (patient.answers["hba1c_percent"], patient.answers["on_dialysis"], patient.answers["kidney_stage"]) == (
        7.5, False, "reduced")


def test_a_number_out_of_the_declared_bounds_is_refused_with_a_message(new_leaves):
    form = QuestionsForm({"hba1c_percent": "35"}, questions=["hba1c_percent"])
    assert not form.is_valid()
    assert "less than or equal to 20" in str(form.errors["hba1c_percent"])
