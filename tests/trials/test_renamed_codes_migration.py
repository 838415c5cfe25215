"""Stored codes renamed to OncoTree's are rewritten by the data migrations, on trials and on patients."""

import importlib

import pytest
from django.apps import apps

from intake.models import Patient
from tests.conftest import make_patient
from trials.models import Trial, TrialCondition

pytestmark = pytest.mark.django_db

trials_migration = importlib.import_module("trials.migrations.0006_condition_codes_follow_oncotree")
intake_migration = importlib.import_module("intake.migrations.0003_condition_codes_follow_oncotree")


def test_a_trials_codes_criteria_and_index_follow_the_new_codes():
    trial = Trial.objects.create(
        ref="TB-OLD-1", title="Old codes", condition_codes=["onc:GBM", "onc:ALL"],
        registry_condition_codes=["onc:CLL"], curated_condition_codes=["onc:DLBCL"],
        criteria={"all": [{"not": {"condition": ["onc:BILIARY"]}}, {"ecog": {"max": 1}}]},
    )
    TrialCondition.objects.create(trial=trial, code="onc:GBM")
    TrialCondition.objects.create(trial=trial, code="onc:ALL")

    trials_migration.rename_codes(apps, None)

    trial.refresh_from_db()
    assert trial.condition_codes == ["onc:GB", "onc:BLL", "onc:TLL"]
    assert (trial.registry_condition_codes, trial.curated_condition_codes) == (["onc:CLLSLL"], ["onc:DLBCLNOS"])
    assert trial.criteria == {"all": [{"not": {"condition": ["onc:BILIARY_TRACT"]}}, {"ecog": {"max": 1}}]}
    assert set(trial.conditions_index.values_list("code", flat=True)) == {"onc:GB", "onc:BLL", "onc:TLL"}


def test_a_patients_renamed_code_follows_and_the_patient_is_matched_again():
    patient = make_patient(condition_code="onc:LUAD")
    Patient.objects.filter(pk=patient.pk).update(condition_code="onc:GBM")
    before = Patient.objects.get(pk=patient.pk).answers_changed_at

    intake_migration.rename_codes(apps, None)

    patient.refresh_from_db()
    assert patient.condition_code == "onc:GB"
    assert patient.answers_changed_at > before
