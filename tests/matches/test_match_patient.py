"""Matching one patient: the database narrowing, then the engine, then an upsert that keeps coordinators' work."""

from datetime import date

import pytest

from consent.services import revoke_authorization
from intake.services import update_answers
from matches import services
from matches.models import Match, MatchEvent, Status, Verdict
from matches.services import matching
from tests.conftest import TODAY, make_patient, make_trial, sign
from trials.models import Trial
from trials.services import trial_matching_inputs_changed

# TODAY is 2026-11-27: born 1950-11-28 is 75 today and 76 tomorrow; born 1950-11-27 turns 76 today.
NARROWING = [
    # (what, trial fields, patient fields, admitted)
    ("recruiting trial of the patient's condition", {}, {}, True),
    ("not yet recruiting", {"status": Trial.Status.NOT_YET_RECRUITING}, {}, False),
    ("completed", {"status": Trial.Status.COMPLETED}, {}, False),
    ("parent code admits the child: onc:LUNG trial, onc:LUAD patient", {"codes": ["onc:LUNG"]}, {}, True),
    ("root code admits any cancer", {"codes": ["onc:TISSUE"]}, {}, True),
    ("child code does not admit the parent: onc:LUAD trial, onc:LUNG patient", {"codes": ["onc:LUAD"]},
     {"condition_code": "onc:LUNG"}, False),
    ("sibling code", {"codes": ["onc:LUSC"]}, {}, False),
    ("other condition family", {"codes": ["psy:MDD"]}, {}, False),
    ("women-only trial, female patient", {"sex": "FEMALE"}, {}, True),
    ("women-only trial, male patient", {"sex": "FEMALE"}, {"sex": "male"}, False),
    ("men-only trial, female patient", {"sex": "MALE"}, {}, False),
    ("max 75, the day before the 76th birthday", {"max_age": 75}, {"birth_date": date(1950, 11, 28)}, True),
    ("max 75, on the 76th birthday", {"max_age": 75}, {"birth_date": date(1950, 11, 27)}, False),
    ("min 65, on the 65th birthday", {"min_age": 65}, {"birth_date": date(1961, 11, 27)}, True),
    ("min 65, long before", {"min_age": 65}, {"birth_date": date(1990, 1, 1)}, False),
]


@pytest.mark.parametrize("what, trial_fields, patient_fields, admitted", NARROWING, ids=[row[0] for row in NARROWING])
def test_the_database_narrows_candidates_the_same_way_from_both_sides(
    oncology_team, what, trial_fields, patient_fields, admitted
):
    fields = {"codes": ["onc:NSCLC"], **trial_fields}
    trial = make_trial("TB-NARROW", oncology_team, **fields)
    patient = make_patient(**patient_fields)
    sign(patient)

    assert (trial.pk in candidate_ids(patient)) is admitted
    assert services.candidate_patients(trial, TODAY).filter(pk=patient.pk).exists() is admitted


def candidate_ids(patient):
    return {trial.pk for trial in services.candidate_trials(patient, TODAY)}


CHICAGO = ("Lakeshore Cancer Center", "Chicago", "IL", "60611", 41.8925, -87.6262)
HOUSTON = ("Gulf Coast Cancer Institute", "Houston", "TX", "77030", 29.7079, -95.4016)


@pytest.mark.parametrize("what, sites, radius_km, admitted", [
    ("no travel limit", (CHICAGO,), None, True),
    ("a site inside the radius", (CHICAGO, HOUSTON), 50, True),
    ("every site beyond the radius", (CHICAGO,), 50, False),
    ("no located site: the engine decides", ((("Remote", "", "", "", None, None)),), 50, True),
])
def test_trials_with_no_recruiting_site_within_the_patients_reach_are_left_out(
    oncology_team, what, sites, radius_km, admitted
):
    trial = make_trial("TB-REACH", oncology_team, codes=["onc:NSCLC"], sites=sites)
    patient = make_patient(travel_radius_km=radius_km)  # lives in 77030, Houston
    sign(patient)

    assert (trial.pk in candidate_ids(patient)) is admitted


def test_a_closed_site_near_the_patient_does_not_bring_a_far_trial_within_reach(oncology_team):
    trial = make_trial("TB-CLOSED", oncology_team, codes=["onc:NSCLC"], sites=(CHICAGO, HOUSTON))
    trial.sites.filter(city="Houston").update(status=Trial.Status.COMPLETED)
    patient = make_patient(travel_radius_km=50)
    sign(patient)

    assert trial.pk not in candidate_ids(patient)


@pytest.mark.parametrize("birth_date, verdict", [
    (date(2008, 11, 28), None),  # 17 today, 18 tomorrow: not written at all
    (date(2008, 11, 27), Verdict.ELIGIBLE),  # 18 today
])
def test_an_age_minimum_counts_from_the_birthday_itself(oncology_team, birth_date, verdict):
    trial = make_trial("TB-ADULTS", oncology_team, codes=["onc:NSCLC"], min_age=18)
    patient = make_patient(birth_date=birth_date)
    if patient.is_minor:
        sign(patient, relationship="parent", representative_authority="Mother")
    else:
        sign(patient)

    services.match_patient(patient.pk, today=TODAY)

    match = Match.objects.filter(patient=patient, trial=trial).first()
    assert (match.verdict if match else None) == verdict


def test_a_consented_patient_gets_one_match_per_fitting_trial_with_reasons(lung_trial, depression_trial,
                                                                          lung_patient):
    sign(lung_patient)

    result = services.match_patient(lung_patient.pk, today=TODAY)

    match = Match.objects.get(patient=lung_patient)
    assert match.trial == lung_trial
    assert match.verdict == Verdict.ELIGIBLE
    assert match.status == Status.NEW
    assert match.nearest_site == lung_trial.sites.get()
    assert {r["leaf"] for r in match.reasons} >= {"age", "condition", "ecog", "travel"}
    assert all(r["coordinator"] and r["patient"] for r in match.reason_sentences())
    assert list(match.events.values_list("kind", flat=True)) == [MatchEvent.Kind.CREATED]
    assert (result.created, result.updated) == (1, 0)


def test_matching_twice_changes_nothing(lung_trial, lung_patient):
    sign(lung_patient)
    services.match_patient(lung_patient.pk, today=TODAY)
    before = list(Match.objects.values())

    again = services.match_patient(lung_patient.pk, today=TODAY)

    assert (again.created, again.updated) == (0, 0)
    assert list(Match.objects.values()) == before
    assert MatchEvent.objects.count() == 1


def test_re_matching_keeps_the_coordinator_status_and_refreshes_the_verdict(lung_trial, lung_patient,
                                                                            onc_coordinator):
    sign(lung_patient)
    services.match_patient(lung_patient.pk, today=TODAY)
    match = Match.objects.get()
    match.move_to(Status.REVIEWING, by=onc_coordinator)
    update_answers(patient=lung_patient, answers={"ecog": None})

    services.match_patient(lung_patient.pk, today=TODAY)

    match.refresh_from_db()
    assert match.status == Status.REVIEWING
    assert match.verdict == Verdict.POSSIBLE
    assert "ecog" in match.questions
    assert Match.objects.count() == 1


def test_a_match_that_stops_fitting_is_marked_not_eligible_not_deleted(lung_trial, lung_patient, onc_coordinator):
    sign(lung_patient)
    services.match_patient(lung_patient.pk, today=TODAY)
    Match.objects.get().move_to(Status.REVIEWING, by=onc_coordinator)
    update_answers(patient=lung_patient, answers={"ecog": 3})

    services.match_patient(lung_patient.pk, today=TODAY)

    match = Match.objects.get()
    assert match.verdict == Verdict.NOT_ELIGIBLE
    assert match.status == Status.REVIEWING
    assert not Match.objects.in_queue().exists()


def test_a_trial_whose_condition_changed_is_still_refreshed_for_patients_it_matched(lung_trial, lung_patient):
    sign(lung_patient)
    services.match_patient(lung_patient.pk, today=TODAY)
    lung_trial.condition_codes = ["onc:BREAST"]
    lung_trial.save()
    trial_matching_inputs_changed(lung_trial)

    services.match_patient(lung_patient.pk, today=TODAY)

    assert Match.objects.get().verdict == Verdict.NOT_ELIGIBLE


def test_revoked_patient_is_never_matched(lung_trial, lung_patient):
    sign(lung_patient)
    revoke_authorization(patient=lung_patient)

    result = services.match_patient(lung_patient.pk, today=TODAY)

    assert result.skipped_reason
    assert not Match.objects.exists()


def test_a_patient_who_revokes_while_being_matched_gets_nothing_written(lung_trial, lung_patient, monkeypatch):
    sign(lung_patient)
    candidates = matching.candidate_trials

    def revoke_meanwhile(patient, today):
        prepared = candidates(patient, today)
        revoke_authorization(patient=lung_patient)
        return prepared

    monkeypatch.setattr(matching, "candidate_trials", revoke_meanwhile)

    result = services.match_patient(lung_patient.pk, today=TODAY)

    assert result.skipped_reason == "authorization revoked during the run"
    assert not Match.objects.exists()
    lung_patient.refresh_from_db()
    assert lung_patient.matched_at is None  # the run's stamp is rolled back with it: the sweep does not skip them


def test_signing_again_after_revoking_brings_withdrawn_matches_back_as_new(lung_trial, lung_patient):
    sign(lung_patient)
    services.match_patient(lung_patient.pk, today=TODAY)
    revoke_authorization(patient=lung_patient)
    assert Match.objects.get().status == Status.WITHDRAWN
    sign(lung_patient)

    services.match_patient(lung_patient.pk, today=TODAY)

    match = Match.objects.get()
    assert match.status == Status.NEW
    assert list(match.events.values_list("to_status", flat=True)) == [Status.NEW, Status.WITHDRAWN, Status.NEW]
