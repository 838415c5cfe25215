"""A morning's queue for the coordinator tests: three lung-cancer patients waiting for the Oncology team,
one depression patient for the Behavioral Health team (the other team, whose rows must never show)."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client

from matches.models import Match
from tests.conftest import make_patient, make_user, sign

LUNG_PATIENTS = [
    dict(full_name="Ana Alvarez", email="ana@example.com", birth_date=date(1961, 3, 4), postal_code="77030"),
    dict(full_name="Ben Brooks", email="ben@example.com", birth_date=date(1958, 8, 19), postal_code="77030"),
    dict(full_name="Cleo Carter", email="cleo@example.com", birth_date=date(1972, 1, 30), postal_code="77030"),
]


@pytest.fixture
def morning_queue(lung_trial, depression_trial, authorization_text, django_capture_on_commit_callbacks):
    """Signed patients and their matches; returns the Oncology matches (new) and the other team's match."""
    lung = []
    for data in LUNG_PATIENTS:
        patient = make_patient(**data)
        with django_capture_on_commit_callbacks(execute=True):
            sign(patient)
        lung.append(Match.objects.get(patient=patient, trial=lung_trial))
    depressed = make_patient(
        full_name="Sam Doe", email="sam@example.com", birth_date=date(1980, 2, 10), sex="male", postal_code="60611",
        condition_code="psy:MDD",
        answers={"phq9_items": [2, 2, 2, 2, 1, 1, 1, 1, 0], "gad7_items": [1] * 7, "antidepressant_trials": 2},
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign(depressed)
    other = Match.objects.get(patient=depressed, trial=depression_trial)
    mail.outbox.clear()  # the patients' status-link emails; the tests here read the coordinators' mail
    return {"onc": lung, "other": other}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def onc_client(onc_coordinator):
    return client_for(onc_coordinator)


@pytest.fixture
def mh_client(mh_coordinator):
    return client_for(mh_coordinator)


@pytest.fixture
def admin_client_(admin_user):
    return client_for(admin_user)


@pytest.fixture
def teamless_user(db):
    return make_user("tess")
