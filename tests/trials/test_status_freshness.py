"""A registry's "recruiting" counts only while it was verified (or an admin confirmed it) within 12 months."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matches import services
from matches.models import Match
from tests.conftest import make_patient, make_trial, sign
from trials.models import Trial

pytestmark = pytest.mark.django_db


def months_ago(months, today=None):
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, 28))


def lung_trial_verified(team, months):
    trial = make_trial(f"TB-VERIFIED-{months}", team, codes=["onc:NSCLC"])
    Trial.objects.filter(pk=trial.pk).update(status_checked_on=months_ago(months))
    trial.refresh_from_db()
    return trial


def test_a_recruiting_status_verified_11_months_ago_is_matched_and_13_months_ago_is_not(
        oncology_team, django_capture_on_commit_callbacks):
    fresh = lung_trial_verified(oncology_team, 11)
    stale = lung_trial_verified(oncology_team, 13)
    patient = make_patient()
    with django_capture_on_commit_callbacks(execute=True):
        sign(patient)

    assert set(Trial.objects.recruiting()) == {fresh}
    assert set(Trial.objects.recruiting_not_confirmed()) == {stale}
    assert {t.pk for t in services.candidate_trials(patient, timezone.localdate())} == {fresh.pk}
    assert set(Trial.objects.candidates_for(condition_codes=["onc:NSCLC", "onc:LUAD"], age_years=56,
                                            sex="female")) == {fresh}
    assert Match.objects.filter(patient=patient).get().trial == fresh
    assert not services.candidate_patients(stale, timezone.localdate()).exists()
    assert (fresh.status_label(), str(stale.status_label())) == ("Recruiting", "Recruiting (status not confirmed)")


def test_a_stale_status_is_not_confirmed_but_other_statuses_need_no_confirmation(oncology_team):
    trial = lung_trial_verified(oncology_team, 13)
    trial.overall_status = Trial.Status.COMPLETED
    assert trial.status_confirmed()
    assert trial.status_label() == "Completed"


def v2_record(nct_id, verified):
    return {"protocolSection": {
        "identificationModule": {"nctId": nct_id, "briefTitle": "Fictional fibromyalgia study"},
        "statusModule": {"overallStatus": "RECRUITING", "statusVerifiedDate": verified,
                         "lastUpdatePostDateStruct": {"date": "2025-01-15"}},
        "conditionsModule": {"conditions": ["Fibromyalgia"]},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* Adults", "minimumAge": "18 Years"},
    }}


def import_record(tmp_path, record, name="study.json"):
    path = tmp_path / name
    path.write_text(json.dumps(record))
    call_command("import_ctgov", str(path), "--no-progress")
    return Trial.objects.get(ref=record["protocolSection"]["identificationModule"]["nctId"])


def test_an_import_stores_the_registrys_dates_and_a_reimport_that_verifies_again_confirms(tmp_path):
    stale = months_ago(13).strftime("%Y-%m")
    trial = import_record(tmp_path, v2_record("NCT90000101", stale))

    assert (trial.status_verified_date, trial.last_update_date) == (
        date.fromisoformat(stale + "-01"), date(2025, 1, 15))
    assert not trial.status_confirmed()
    assert not Trial.objects.recruiting().filter(pk=trial.pk).exists()

    trial = import_record(tmp_path, v2_record("NCT90000101", months_ago(1).isoformat()))

    assert trial.status_confirmed()
    assert Trial.objects.recruiting().filter(pk=trial.pk).exists()


def test_a_legacy_2023_recruiting_record_is_not_matched(tmp_path):
    (tmp_path / "NCT90000102.xml").write_text("""<?xml version="1.0" encoding="UTF-8"?>
<clinical_study>
  <id_info><nct_id>NCT90000102</nct_id></id_info>
  <brief_title>Fictional legacy study</brief_title>
  <overall_status>Recruiting</overall_status>
  <verification_date>January 2023</verification_date>
  <last_update_posted type="Estimate">January 20, 2023</last_update_posted>
  <condition>Fibromyalgia</condition>
  <eligibility><gender>All</gender><minimum_age>18 Years</minimum_age></eligibility>
</clinical_study>
""")
    call_command("import_ctgov", str(tmp_path / "NCT90000102.xml"), "--no-progress")

    trial = Trial.objects.get(ref="NCT90000102")
    assert trial.status_verified_date == date(2023, 1, 1)
    assert trial.last_update_date == date(2023, 1, 20)
    assert not Trial.objects.recruiting().filter(pk=trial.pk).exists()


def test_an_admin_lists_unconfirmed_trials_and_confirming_them_records_who_when_and_matches_again(
        client, admin_user, oncology_team, django_capture_on_commit_callbacks):
    fresh = lung_trial_verified(oncology_team, 2)
    stale = lung_trial_verified(oncology_team, 13)
    patient = make_patient()
    with django_capture_on_commit_callbacks(execute=True):
        sign(patient)
    assert Match.objects.filter(trial=fresh).exists() and not Match.objects.filter(trial=stale).exists()
    client.force_login(admin_user)
    changelist = reverse("admin:trials_trial_changelist")

    listed = client.get(changelist, {"status_check": "not_confirmed"}).content.decode()
    assert stale.ref in listed and fresh.ref not in listed
    assert "Recruiting (status not confirmed)" in listed

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "confirm_recruiting_status", "_selected_action": [stale.pk]})

    stale.refresh_from_db()
    assert stale.status_confirmed_by == admin_user
    assert stale.status_confirmed_at is not None and stale.status_checked_on == timezone.localdate()
    assert Trial.objects.recruiting().filter(pk=stale.pk).exists()
    assert Match.objects.filter(trial=stale, patient=patient).exists()
    assert stale.ref not in client.get(changelist, {"status_check": "not_confirmed"}).content.decode()


def test_coordinator_and_patient_pages_say_a_stale_status_is_not_confirmed(
        client, oncology_team, onc_coordinator, django_capture_on_commit_callbacks):
    trial = make_trial("TB-GOING-STALE", oncology_team, codes=["onc:NSCLC"])
    patient = make_patient()
    with django_capture_on_commit_callbacks(execute=True):
        sign(patient)
    match = Match.objects.get(patient=patient, trial=trial)
    Trial.objects.filter(pk=trial.pk).update(status_checked_on=months_ago(13))

    client.force_login(onc_coordinator)
    detail = client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "Registry status: Recruiting (status not confirmed)" in detail
    client.logout()
    status_page = client.get(reverse("patient:status", args=[patient.status_token()])).content.decode()
    assert "Status not confirmed" in status_page
