"""The roles the security tests walk the site as, and a clean rate-limit slate for each test."""

import pytest
from django.core.cache import cache
from django.test import Client

from matches.models import Match
from matches.services import match_patient

from ..conftest import make_patient, sign


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed_lung_patient(lung_trial, depression_trial, authorization_text):
    patient = make_patient()
    sign(patient)
    match_patient(patient.pk)  # on-commit work never runs inside a test transaction
    return patient


@pytest.fixture
def onc_match(signed_lung_patient, lung_trial):
    return Match.objects.get(patient=signed_lung_patient, trial=lung_trial)


@pytest.fixture
def clients(onc_coordinator, mh_coordinator, admin_user):
    """One logged-in (or not) test client per role, by name."""
    def logged_in(user):
        client = Client()
        client.force_login(user)
        return client

    return {
        "anonymous": Client(),
        "patient with link": Client(),
        "coordinator of another team": logged_in(mh_coordinator),
        "coordinator": logged_in(onc_coordinator),
        "admin": logged_in(admin_user),
    }
