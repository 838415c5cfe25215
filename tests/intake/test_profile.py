"""What the engine sees of a patient: the answers on file, and what follows from them."""

import pytest

from tests.conftest import make_patient


@pytest.mark.django_db
def test_the_profile_reads_the_answers_for_the_new_criteria():
    patient = make_patient(answers={
        "disease_status": "relapsed", "brain_metastases": "treated_stable", "measurable_disease": True,
        "other_cancer": True, "other_cancer_years_ago": 3, "comorbidities": ["other:HIV"],
        "last_therapy_weeks": {"therapy:chemotherapy": [4, 13]}, "suicidal_behavior": False,
    })
    profile = patient.profile()
    assert (profile.disease_status, profile.brain_metastases, profile.measurable_disease) == (
        "relapsed", "treated_stable", True)
    assert (profile.other_cancer, profile.other_cancer_years_ago) == (True, 3)
    assert profile.comorbidities == ("other:HIV",)
    assert profile.last_therapy_weeks == {"therapy:chemotherapy": (4, 13)}
    assert (profile.suicidal_behavior, profile.suicidal_behavior_months_ago) == (False, None)


@pytest.mark.django_db
@pytest.mark.parametrize(("metastatic", "brain"), [(False, "none"), (True, None), (None, None)])
def test_a_cancer_that_has_not_spread_has_no_brain_metastases(metastatic, brain):
    assert make_patient(answers={"metastatic": metastatic}).profile().brain_metastases == brain


@pytest.mark.django_db
def test_answers_given_before_the_new_criteria_leave_them_unknown():
    profile = make_patient(answers={"ecog": 1}).profile()
    assert profile.comorbidities is None and profile.last_therapy_weeks is None and profile.other_cancer is None


@pytest.mark.django_db
@pytest.mark.parametrize(("postal_code", "zone"), [("77030", "America/Chicago"), ("10001", "America/New_York"),
                                                    ("99501", "America/Anchorage"), ("", None)])
def test_a_patients_time_zone_comes_from_their_zip_code(postal_code, zone):
    patient = make_patient()
    patient.postal_code = postal_code
    assert patient.time_zone() == zone
