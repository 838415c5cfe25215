"""Hypothesis-generated input to every form and to the ClinicalTrials.gov import: never a server error."""

from datetime import date
from types import SimpleNamespace

import pytest
from django import forms
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consent.forms import RevokeForm, SignForm
from intake.questionnaires import INTAKE_QUESTIONS
from intake.views import IntakeWizard
from matches.forms import ContactForm, NoteForm, StatusChangeForm
from matches.models import Match, Status
from trials.eligibility import QUESTIONS

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
WIZARD_PREFIX = "intake_wizard"

odd_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "1970-02-30", "2999-01-01", "NaN", "\x00",
                     "<script>alert(1)</script>", "' OR 1=1 --", "null", "[]", "{}", "é" * 5000]),
)


def _values_for(field):
    choices = [str(value) for value, _ in getattr(field, "choices", []) or [] if not isinstance(value, (list, tuple))]
    picked = st.sampled_from(choices) if choices else odd_text
    one = st.one_of(picked, odd_text)
    if isinstance(field, forms.MultipleChoiceField):
        return st.lists(one, max_size=4)
    return one


def _form_data(form_class, prefix="", **init):
    form = form_class(**init)
    fields = {(f"{prefix}-{name}" if prefix else name): _values_for(field) for name, field in form.fields.items()}
    return st.fixed_dictionaries({}, optional={**fields, "unexpected": odd_text})


# Steps every patient sees; the ones shown only after certain answers are fuzzed form by form below.
ALWAYS_SHOWN = ("about", "condition")


def _wizard_step_data():
    steps = [step for step in IntakeWizard.form_list if step[0] in ALWAYS_SHOWN]
    return st.sampled_from(steps).flatmap(
        lambda step: _form_data(step[1], prefix=step[0]).map(
            lambda data: {**data, f"{WIZARD_PREFIX}-current_step": step[0]})
    )


@pytest.fixture
def no_rate_limits(settings):
    settings.RATE_LIMITS = {}


def _post(client, path, data):
    client.raise_request_exception = True
    response = client.post(path, data)
    assert response.status_code < 500, (path, data)
    return response


@FUZZ
@given(steps=st.lists(_wizard_step_data(), min_size=1, max_size=5))
def test_any_input_to_the_intake_steps_is_answered_without_a_server_error(steps, db, no_rate_limits):
    client = Client()
    client.get("/intake/")
    for data in steps:
        _post(client, "/intake/", data)


@FUZZ
@given(data=_form_data(SignForm, patient=SimpleNamespace(birth_date=date(1970, 5, 1), sex="female",
                                                        full_name="Pat Example")))
def test_any_input_to_the_authorization_is_answered_without_a_server_error(data, db, no_rate_limits,
                                                                           authorization_text):
    from intake.views import PENDING_PATIENT_KEY

    from ..conftest import make_patient

    client = Client()
    session = client.session
    session[PENDING_PATIENT_KEY] = make_patient().pk
    session.save()
    _post(client, "/authorize/", data)


@FUZZ
@given(data=_form_data(RevokeForm))
def test_any_input_to_revoking_is_answered_without_a_server_error(data, signed_lung_patient, no_rate_limits):
    _post(Client(), f"/status/{signed_lung_patient.status_token()}/revoke/", data)


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={"username": odd_text, "password": odd_text, "next": odd_text}))
def test_any_input_to_sign_in_is_answered_without_a_server_error(data, db, no_rate_limits):
    _post(Client(), "/accounts/login/", data)


@FUZZ
@given(status=_form_data(StatusChangeForm, match=Match(status=Status.NEW)), note=_form_data(NoteForm),
       contact=_form_data(ContactForm, match=Match(status=Status.NEW)),
       queue=st.dictionaries(st.sampled_from(["status", "trial", "verdict", "q", "page", "sort", "urgent"]), odd_text))
def test_any_input_to_the_coordinator_forms_is_answered_without_a_server_error(status, note, contact, queue,
                                                                               clients, onc_match, no_rate_limits):
    client = clients["coordinator"]
    base = f"/coordinator/matches/{onc_match.pk}"
    _post(client, f"{base}/status/", status)
    _post(client, f"{base}/notes/", note)
    _post(client, f"{base}/contacts/", contact)
    _post(client, "/coordinator/bulk-status/", {**status, "match": [str(onc_match.pk), "x"]})
    client.raise_request_exception = True
    assert client.get("/coordinator/", queue).status_code < 500


CONDITIONAL_STEPS = [step for step in IntakeWizard.form_list if step[0] not in ALWAYS_SHOWN]
# The questions step asks what the trials ask: fuzzed here with every question the intake can ask at once.
EVERY_QUESTION = [*QUESTIONS, *INTAKE_QUESTIONS, "biomarkers.EGFR", "suicidal_ideation"]


@pytest.mark.parametrize("step", CONDITIONAL_STEPS, ids=[name for name, _ in CONDITIONAL_STEPS])
def test_any_input_to_a_conditional_intake_step_validates_without_an_exception(step, db):
    name, form_class = step
    init = {"questions": EVERY_QUESTION} if name == "questions" else {}

    @FUZZ
    @given(data=_form_data(form_class, prefix=name, **init))
    def check(data):
        form = form_class(data, prefix=name, **init)
        if form.is_valid() and hasattr(form, "answers"):
            form.answers()

    check()


def test_posting_a_step_the_wizard_does_not_show_is_not_a_server_error(db, no_rate_limits):
    client = Client()
    client.get("/intake/")
    response = _post(client, "/intake/", {f"{WIZARD_PREFIX}-current_step": "oncology"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()  # back where the patient really is
    assert f'name="{WIZARD_PREFIX}-current_step" value="about"' in page and "About you" in page
