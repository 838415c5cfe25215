"""The cast: a small set of named people, teams, trials and patients the tests share."""

import importlib
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from config.celery import app as celery_app
from consent.models import AuthorizationText
from consent.services import sign_authorization
from intake.services import submit_intake
from trials.models import Site, Trial, TrialTeam
from trials.services import trial_matching_inputs_changed

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fast_and_in_process(settings, request):
    """Cheap password hashing, a fresh cache (rate-limit counters) and in-process tasks, except for real workers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    if request.node.get_closest_marker("worker"):
        yield
        return
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def published_authorization_text(request):
    """Version 1 of the authorization, as the data migration publishes it.

    Transactional tests flush every table afterwards, data migrations' rows included, so put it back.
    """
    if not {"db", "transactional_db"} & set(request.fixturenames) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db" if _wants_transactions(request) else "db")
    from django.apps import apps

    publish_v1 = importlib.import_module("consent.migrations.0002_authorization_text_v1").publish_v1
    publish_v1(apps, None)


def _wants_transactions(request):
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture
def oncology_team(db):
    return TrialTeam.objects.create(name="Oncology")


@pytest.fixture
def mental_health_team(db):
    return TrialTeam.objects.create(name="Behavioral Health & Pain")


def make_user(username, team=None, **extra):
    user = get_user_model().objects.create_user(username=username, password="test-pass-123", **extra)
    if team:
        team.members.add(user)
    return user


@pytest.fixture
def onc_coordinator(oncology_team):
    return make_user("olga", oncology_team)


@pytest.fixture
def mh_coordinator(mental_health_team):
    return make_user("miguel", mental_health_team)


@pytest.fixture
def admin_user(db):
    return make_user("ada", is_staff=True, is_superuser=True)


def make_trial(ref, team, *, codes, status=Trial.Status.RECRUITING, min_age=18, max_age=None, sex="ALL",
               criteria=None, sites=(("Gulf Coast Cancer Institute", "Houston", "TX", "77030", 29.7079, -95.4016),)):
    trial = Trial.objects.create(
        ref=ref, title=f"Test trial {ref}", title_es=f"Ensayo de prueba {ref}", brief_summary="A test trial.",
        overall_status=status, condition_codes=list(codes), min_age_years=min_age, max_age_years=max_age, sex=sex,
        criteria=criteria, team=team,
    )
    for facility, city, state, zip_code, lat, lon in sites:
        Site.objects.create(trial=trial, facility=facility, city=city, state=state, postal_code=zip_code,
                            latitude=lat, longitude=lon)
    trial_matching_inputs_changed(trial)
    return trial


@pytest.fixture
def lung_trial(oncology_team):
    return make_trial("TB-TEST-LUNG", oncology_team, codes=["onc:NSCLC"], max_age=75,
                      criteria={"all": [{"ecog": {"max": 1}}]})


@pytest.fixture
def depression_trial(mental_health_team):
    return make_trial("TB-TEST-MDD", mental_health_team, codes=["psy:MDD"], max_age=65,
                      criteria={"all": [{"phq9": {"min": 10}}, {"not": {"medication": ["class:MAOI"]}}]},
                      sites=(("Lakeshore Behavioral Research", "Chicago", "IL", "60611", 41.8925, -87.6262),))


@pytest.fixture
def demo_trials(db):
    """The demo trials (trials/demo/trials.json): the intake's questions come from their rules."""
    from trials.demo_data import load_demo_trials

    return load_demo_trials()


@pytest.fixture
def authorization_text(db):
    return AuthorizationText.objects.current()


def make_patient(**overrides):
    data = dict(
        language="en", full_name="Pat Example", email="pat@example.com", birth_date=date(1970, 5, 1), sex="female",
        postal_code="77030", condition_code="onc:LUAD", answers={"ecog": 1, "stage": "IV"},
    )
    data.update(overrides)
    return submit_intake(**data)


def sign(patient, **overrides):
    data = dict(patient=patient, text=AuthorizationText.objects.current(), language=patient.language,
                signed_name=patient.full_name)
    data.update(overrides)
    return sign_authorization(**data)


@pytest.fixture
def lung_patient(db):
    return make_patient()


@pytest.fixture
def depressed_patient(db):
    return make_patient(
        full_name="Sam Doe", email="sam@example.com", birth_date=date(1980, 2, 10), sex="male", postal_code="60611",
        condition_code="psy:MDD",
        answers={"phq9_items": [2, 2, 2, 2, 1, 1, 1, 1, 0], "gad7_items": [1] * 7, "medications": ["drug:duloxetine"],
                 "antidepressant_trials": 2},
    )
