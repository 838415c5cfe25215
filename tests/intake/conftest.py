import pytest
from django import forms
from django.urls import reverse

WIZARD = "intake_wizard"
ABOUT = {"birth_date_day": "15", "birth_date_month": "6", "birth_date_year": "1972", "sex": "female",
         "postal_code": "77030", "travel_radius": "any"}
CONTACT = {"full_name": "Lena Park", "email": "lena@example.com", "phone": ""}
# A lung cancer's questions as the demo trials ask them of a woman of 54 (intake.plan).
ONCOLOGY = {"stage": "IV", "ecog": "1", "prior_lines": "1", "pregnant": "no", "biomarker_EGFR": "unknown",
            "biomarker_ALK": "unknown", "prior_therapies": ["unknown"]}
PHQ9_CALM = {**{f"phq9_{n}": "1" for n in range(1, 9)}, "phq9_9": "0"}
GAD7_CALM = {f"gad7_{n}": "1" for n in range(1, 8)}


def birthday(day):
    """The about step's three birthday boxes for a date."""
    return {"birth_date_day": str(day.day), "birth_date_month": str(day.month), "birth_date_year": str(day.year)}


def wizard_post(client, step, data, follow=True, **extra):
    """Send one step as the page's form does; the wizard answers every POST with a redirect, followed here
    (`response.redirect_chain` says where it went)."""
    payload = {f"{WIZARD}-current_step": step}
    payload.update({f"{step}-{key}": value for key, value in data.items()})
    payload.update(extra)
    return client.post(reverse("intake:wizard"), payload, follow=follow)


def landed_on(response):
    """Where the wizard's redirects ended."""
    return response.redirect_chain[-1][0] if response.redirect_chain else None


def step_of(response):
    """The wizard step a followed response shows, or None outside the wizard."""
    path = response.request["PATH_INFO"]
    return path.strip("/").split("/")[-1] if path.startswith("/intake/") and path != "/intake/" else None


def dont_know(form):
    """Every question of a form answered "I don't know" (or left empty where that is how it is said)."""
    data = {}
    for name, field in form.fields.items():
        values = [str(value) for value, _label in getattr(field, "choices", [])]
        if isinstance(field, forms.MultipleChoiceField):
            data[name] = ["unknown"]
        elif "unknown" in values:
            data[name] = "unknown"
    return data


def walk(client, *, about=ABOUT, condition="onc:LUAD", questions=None, contact=CONTACT, stop_at=None):
    """Go through the wizard as a patient would, answering each step it shows: `questions` over "I don't know"
    for whatever the trials ask. Returns the last response (the authorization page's redirect once done)."""
    given = {"about": about, "condition": {"condition_code": condition}, "contact": contact}
    response = client.get(reverse("intake:wizard"), follow=True)
    seen = []
    while (step := step_of(response)) is not None and step != stop_at:
        if seen[-1:] == [step]:
            return response  # refused: the same step again, with its errors
        seen.append(step)
        data = given.get(step, {})
        if step == "questions":
            data = {**dont_know(response.context["wizard"]["form"]), **(questions or {})}
        response = wizard_post(client, step, data)
    return response


@pytest.fixture
def post_step(client):
    def post(step, data, **extra):
        return wizard_post(client, step, data, **extra)
    return post

