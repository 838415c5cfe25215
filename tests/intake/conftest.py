import pytest
from django.urls import reverse

WIZARD = "intake_wizard"
ABOUT = {"full_name": "Lena Park", "email": "lena@example.com", "birth_date_day": "15", "birth_date_month": "6",
         "birth_date_year": "1972", "sex": "female", "postal_code": "77030", "travel_radius": ""}
ONCOLOGY = {"stage": "IV", "metastatic": "yes", "ecog": "1", "prior_lines": "1", "pregnant": "no"}
PHQ9_GAD7_CALM = {**{f"phq9_{n}": "1" for n in range(1, 9)}, "phq9_9": "0", **{f"gad7_{n}": "1" for n in range(1, 8)}}
MENTAL_HEALTH = {**PHQ9_GAD7_CALM, "medications": "", "antidepressant_trials": "2", "pregnant": "no"}


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


@pytest.fixture
def post_step(client):
    def post(step, data, **extra):
        return wizard_post(client, step, data, **extra)
    return post
