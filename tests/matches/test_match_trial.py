"""Matching one trial against every consented patient, in chunks."""

from datetime import date

from consent.services import revoke_authorization
from matches import services
from matches.models import Match, Status, Verdict
from matches.services import matching
from tests.conftest import TODAY, make_patient, make_trial, sign

ENGINE_COLUMNS = ["patient_id", "trial_id", "verdict", "score", "reasons", "questions", "nearest_site_id",
                  "nearest_site_km", "engine_version", "urgent", "status"]


def _patients():
    """Seven patients the NSCLC trial sees differently: fits, unknowns, too old, other cancer, revoked, unsigned."""
    people = [
        dict(email="a@example.com"),
        dict(email="b@example.com", answers={"stage": "IV"}),  # ECOG unknown: possible
        dict(email="c@example.com", answers={"ecog": 3}),  # not eligible
        dict(email="d@example.com", birth_date=date(1940, 1, 1)),  # too old for the window
        dict(email="e@example.com", condition_code="onc:LUSC", sex="male"),
        dict(email="f@example.com", condition_code="onc:BREAST"),
        dict(email="g@example.com", condition_code="onc:LUNG"),  # parent code: never admitted
        dict(email="h@example.com", answers={"ecog": 0}),
    ]
    patients = [make_patient(**fields) for fields in people]
    for patient in patients:
        sign(patient)
    revoke_authorization(patient=patients[-1])
    make_patient(email="unsigned@example.com")  # never signed: never matched
    return patients


def _rows(trial):
    return sorted(Match.objects.filter(trial=trial).values_list(*ENGINE_COLUMNS))


def test_matching_a_trial_in_small_chunks_gives_the_rows_matching_each_patient_gives(lung_trial):
    patients = _patients()

    result = services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)
    by_trial = _rows(lung_trial)
    Match.objects.all().delete()
    for patient in patients:
        services.match_patient(patient.pk, today=TODAY)

    assert by_trial == _rows(lung_trial)
    assert {row[2] for row in by_trial} == {Verdict.ELIGIBLE, Verdict.POSSIBLE}
    assert len(by_trial) == 3
    assert result.created == 3


def test_matching_a_trial_twice_changes_nothing(lung_trial):
    _patients()
    services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)
    before = list(Match.objects.values())

    again = services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)

    assert (again.created, again.updated) == (0, 0)
    assert list(Match.objects.values()) == before


def test_a_trial_whose_criteria_tighten_marks_its_matches_and_keeps_their_statuses(lung_trial, onc_coordinator):
    _patients()
    services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)
    reviewed = Match.objects.filter(verdict=Verdict.ELIGIBLE).first()
    reviewed.move_to(Status.REVIEWING, by=onc_coordinator)
    lung_trial.criteria = {"all": [{"ecog": {"max": 0}}]}
    lung_trial.save()

    services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)

    reviewed.refresh_from_db()
    assert reviewed.status == Status.REVIEWING
    assert Match.objects.filter(trial=lung_trial).count() == 3
    assert reviewed.verdict == Verdict.NOT_ELIGIBLE
    assert sorted(Match.objects.values_list("verdict", flat=True)) == [
        Verdict.NOT_ELIGIBLE, Verdict.NOT_ELIGIBLE, Verdict.POSSIBLE,
    ]


def test_a_closed_trial_refreshes_its_matches_but_finds_no_new_patients(lung_trial):
    patients = _patients()
    services.match_patient(patients[0].pk, today=TODAY)
    lung_trial.overall_status = "COMPLETED"
    lung_trial.save()

    result = services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)

    assert result.evaluated == 1
    assert list(Match.objects.values_list("patient_id", flat=True)) == [patients[0].pk]


def test_patients_who_revoke_while_their_chunk_is_evaluated_get_nothing_written(lung_trial, monkeypatch):
    patients = _patients()
    evaluate = matching._evaluate
    revoked = []

    def revoke_first_patient(prepared, patient, profile, today):
        if not revoked:
            revoke_authorization(patient=patients[0])
            revoked.append(patient.pk)
        return evaluate(prepared, patient, profile, today)

    monkeypatch.setattr(matching, "_evaluate", revoke_first_patient)

    services.match_trial(lung_trial.pk, today=TODAY, chunk_size=3)

    assert not Match.objects.filter(patient=patients[0]).exists()
    assert Match.objects.filter(trial=lung_trial).count() == 2


def test_a_women_only_trial_is_matched_only_with_women(oncology_team):
    trial = make_trial("TB-WOMEN", oncology_team, codes=["onc:NSCLC"], sex="FEMALE")
    _patients()

    services.match_trial(trial.pk, today=TODAY)

    assert set(Match.objects.values_list("patient__sex", flat=True)) == {"female"}
