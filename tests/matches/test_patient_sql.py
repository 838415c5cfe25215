"""match_patient's statements written in SQL (matches/services.py) say what the ORM queries they replace say.

Each case builds a patient's consent, matches or trials in one state, then asks both and compares: a change to
Authorization.objects.valid(), the narrowing or the Match fields that is not made in the SQL too fails here.
"""

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from consent.models import Authorization, AuthorizationText
from consent.services import revoke_authorization
from intake.models import Patient
from matches import services
from matches.models import Match
from tests.conftest import make_patient, make_trial, sign
from tests.consent.conftest import publish_new_version
from trials.models import Trial

pytestmark = pytest.mark.django_db


def orm_consented(patient_id, now):
    return services.consented_patients(now).filter(pk=patient_id).exists()


def both_say(patient, now=None):
    now = now or timezone.now()
    orm = orm_consented(patient.pk, now)
    assert services._still_consented(patient.pk, now) is orm
    loaded = services._consented_patient(patient.pk, now)
    assert (loaded is not None) is orm
    return orm


def test_never_signed():
    assert both_say(make_patient()) is False


def test_signed():
    patient = make_patient()
    sign(patient)
    assert both_say(patient) is True


def test_revoked():
    patient = make_patient()
    sign(patient)
    revoke_authorization(patient=patient)
    assert both_say(patient) is False


def test_expired_and_the_moment_before():
    patient = make_patient()
    authorization = sign(patient)
    assert both_say(patient, now=authorization.expires_at - timedelta(seconds=1)) is True
    assert both_say(patient, now=authorization.expires_at) is False


def test_a_version_requiring_reconsent_published_after_signing():
    patient = make_patient()
    sign(patient)
    publish_new_version(requires_reconsent=True)
    assert both_say(patient) is False
    sign(patient, text=AuthorizationText.objects.current())
    assert both_say(patient) is True


def test_a_version_not_requiring_reconsent_and_a_draft_that_would():
    patient = make_patient()
    sign(patient)
    publish_new_version(requires_reconsent=False)
    AuthorizationText.objects.create(version=99, title_en="Draft", title_es="Borrador", body_en="x", body_es="x",
                                     requires_reconsent=True)
    assert both_say(patient) is True


def test_a_retired_reconsent_version_still_counts():
    patient = make_patient()
    sign(patient)
    text = publish_new_version(requires_reconsent=True)
    AuthorizationText.objects.filter(pk=text.pk).update(status=AuthorizationText.Status.RETIRED)
    assert both_say(patient) is False


def test_one_revoked_and_one_valid_authorization():
    patient = make_patient()
    sign(patient)
    revoke_authorization(patient=patient)
    sign(patient)
    assert Authorization.objects.filter(patient=patient).count() == 2
    assert both_say(patient) is True


def test_erased_with_the_authorization_still_open():
    patient = make_patient()
    sign(patient)
    Patient.objects.filter(pk=patient.pk).update(erased_at=timezone.now())
    assert both_say(patient) is False


def test_the_loaded_patient_holds_what_the_orm_loads():
    patient = make_patient(answers={"ecog": 1, "stage": "IV", "biomarkers": {"EGFR": "positive"}})
    sign(patient)
    loaded = services._consented_patient(patient.pk, timezone.now())
    orm = services.consented_patients().only(*services.PATIENT_FIELDS).get(pk=patient.pk)
    for name in services.PATIENT_FIELDS:
        assert getattr(loaded, name) == getattr(orm, name), name
    assert loaded.profile() == orm.profile()


def test_existing_rows_and_already_matched_trials(oncology_team, lung_trial):
    other = make_trial("TB-TEST-SQL-2", oncology_team, codes=["onc:LUNG"], criteria={"all": [{"ecog": {"max": 2}}]})
    patient = make_patient()
    sign(patient)
    services.match_patient(patient.pk)
    assert Match.objects.filter(patient=patient).count() == 2
    in_sql, in_orm = services._existing_for_patient(patient.pk), services._existing(patient_id=patient.pk)
    assert in_sql.keys() == in_orm.keys()
    for key, row in in_sql.items():
        # what _upsert reads of a stored row: its id, its status and every value the engine writes
        wanted = {"pk", "status", "verdict", "score", "reasons", "questions", "nearest_site_id", "nearest_site_km",
                  "engine_version", "urgent"}
        assert wanted <= row.keys()
        assert {name: row[name] for name in wanted} == {name: in_orm[key][name] for name in wanted}
    orm_already = dict(Trial.objects.filter(matches__patient_id=patient.pk).values_list("pk", "criteria_changed_at"))
    assert services._trials_already_matched(patient.pk) == orm_already == {
        lung_trial.pk: Trial.objects.get(pk=lung_trial.pk).criteria_changed_at,
        other.pk: Trial.objects.get(pk=other.pk).criteria_changed_at}


def test_the_lock_stamps_matched_at_and_rolls_back_with_its_transaction():
    patient = make_patient()
    sign(patient)
    now = timezone.now()
    with transaction.atomic():
        services._lock_patient(patient.pk, now)
        patient.refresh_from_db()
        assert patient.matched_at == now
        transaction.set_rollback(True)
    patient.refresh_from_db()
    assert patient.matched_at is None


def test_the_narrowing_in_sql_returns_the_querysets_trials(oncology_team, mental_health_team):
    rng = random.Random(7)
    families = [["onc:NSCLC"], ["onc:LUAD"], ["onc:LUNG"], ["onc:BREAST"], ["psy:MDD"], ["onc:LUAD", "psy:MDD"]]
    statuses = [Trial.Status.RECRUITING, Trial.Status.RECRUITING, Trial.Status.COMPLETED,
                Trial.Status.NOT_YET_RECRUITING]
    for n in range(60):
        min_age = rng.choice([None, 18, 40, 65])
        max_age = rng.choice([None, *[age for age in (30, 60, 75, 120) if min_age is None or age >= min_age]])
        make_trial(f"TB-SQL-{n}", rng.choice([oncology_team, mental_health_team]), codes=rng.choice(families),
                   status=rng.choice(statuses), min_age=min_age, max_age=max_age,
                   sex=rng.choice(["ALL", "ALL", "FEMALE", "MALE"]))
    sizes = set()
    for codes in (["onc:LUAD", "onc:NSCLC", "onc:LUNG", "onc:TISSUE"], ["psy:MDD"], ["onc:BREAST"], ["nothing"]):
        for age in (None, 17, 18, 39, 40, 64, 65, 74, 75, 90):
            for sex in ("female", "male", "", None):
                orm = Trial.objects.candidates_for(condition_codes=codes, age_years=age, sex=sex)
                expected = dict(orm.order_by().values_list("pk", "criteria_changed_at"))
                assert Trial.objects.candidate_stamps(condition_codes=codes, age_years=age, sex=sex) == expected
                sizes.add(len(expected))
    assert 0 in sizes and len(sizes) > 5  # the cases narrow to many different sets, empty ones too

