"""The corpus walk's checks, on a trial of our own: what it prints and what it fails on."""

from matches import services
from matches.corpus_walk import WALKERS, check, enrol
from tests.conftest import TODAY, make_trial
from trials.models import Trial

MALE_WITH_BREAST_CANCER = next(w for w in WALKERS if w.condition_code == "onc:BREAST")


def _registry_trial(ref, *, conditions, keywords, source):
    trial = make_trial(ref, None, codes=["onc:BREAST"], sites=(("Mayo", "Rochester", "MN", "55905", 44.02, -92.47),))
    Trial.objects.filter(pk=trial.pk).update(
        source=Trial.Source.CTGOV, conditions=conditions, keywords=keywords, registry_condition_codes=["onc:BREAST"],
        registry_condition_sources={"onc:BREAST": source})
    return trial


def test_a_trial_reached_only_through_a_keyword_fails_the_walk(db):
    _registry_trial("NCT90000123", conditions=["Back Pain"], keywords=["Breast Cancer"],
                    source="condition: Breast Cancer")
    patient = enrol(MALE_WITH_BREAST_CANCER, TODAY)
    services.match_patient(patient.pk, today=TODAY)

    row, failures = check(MALE_WITH_BREAST_CANCER, patient, TODAY)

    assert row["codes"] == "onc:BREAST 1" and row["recruiting"] == 1
    assert "NCT90000123 reached them only through a keyword" in failures


def test_a_generic_word_with_no_word_of_any_cancer_fails_the_walk_and_one_with_it_is_listed(db):
    _registry_trial("NCT90000124", conditions=["Tumor"], keywords=[], source="generic word")
    _registry_trial("NCT90000125", conditions=["Cancer"], keywords=[], source="generic word, enrols any cancer")
    patient = enrol(MALE_WITH_BREAST_CANCER, TODAY)
    services.match_patient(patient.pk, today=TODAY)

    row, failures = check(MALE_WITH_BREAST_CANCER, patient, TODAY)

    assert "NCT90000124 reached them only through a generic word" in failures
    assert not any(failure.startswith("NCT90000125 reached") for failure in failures)
    assert row["generic"] == ["NCT90000124", "NCT90000125"]


def test_a_patient_with_no_trial_to_find_is_told_so_rather_than_failed(db):
    patient = enrol(MALE_WITH_BREAST_CANCER, TODAY)
    services.match_patient(patient.pk, today=TODAY)

    row, failures = check(MALE_WITH_BREAST_CANCER, patient, TODAY)

    assert (row["recruiting"], failures) == (0, [])
    assert row["note"] == "no recruiting trial of this condition in the corpus admits them"


def test_an_urgent_walker_must_reach_the_safety_teams_urgent_view(db, settings):
    from consent.services import revoke_authorization
    from matches.corpus_walk import missed_by_the_safety_team

    settings.SAFETY_TEAM_NAME = "Safety"
    depressed = next(w for w in WALKERS if w.condition_code.startswith("psy:"))
    patient = enrol(depressed, TODAY)
    assert patient.urgent
    assert missed_by_the_safety_team([patient]) == []
    revoke_authorization(patient=patient)  # no valid authorization: no staff view shows them, so the walk says so
    assert missed_by_the_safety_team([patient]) == [patient]
