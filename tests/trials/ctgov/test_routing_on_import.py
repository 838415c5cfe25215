"""An import routes the trials it writes through the teams' routing rules and never overwrites an adoption."""

import pytest
from django.core.management import call_command

from trials.models import RoutingRule, Trial, TrialTeam
from trials.services import assign_trials

pytestmark = pytest.mark.django_db


def test_an_import_routes_new_trials_and_never_overwrites_an_adoption(fixtures_dir, oncology_team):
    thoracic = TrialTeam.objects.create(name="Thoracic")
    RoutingRule.objects.create(team=thoracic, condition_codes=["onc:LUNG"])
    call_command("import_ctgov", str(fixtures_dir / "lung_study.json"), "--no-progress")
    trial = Trial.objects.get(ref="NCT90000001")
    assert (trial.team, trial.team_routed) == (thoracic, True)

    assign_trials(trials=Trial.objects.filter(pk=trial.pk), team=oncology_team)
    call_command("import_ctgov", str(fixtures_dir / "lung_study.json"), "--no-progress", "--force")
    trial.refresh_from_db()
    assert (trial.team, trial.team_routed) == (oncology_team, False)


def test_plain_language_summaries_are_curated_and_survive_a_forced_reimport(fixtures_dir):
    call_command("import_ctgov", str(fixtures_dir / "lung_study.json"), "--no-progress")
    Trial.objects.filter(ref="NCT90000001").update(plain_summary="A pill for lung cancer, tested against chemo.",
                                                   plain_summary_es="Una pastilla para el cáncer de pulmón.")
    call_command("import_ctgov", str(fixtures_dir / "lung_study.json"), "--no-progress", "--force")
    trial = Trial.objects.get(ref="NCT90000001")
    assert trial.plain_summary == "A pill for lung cancer, tested against chemo."
    assert trial.summary_for("es") == ("Una pastilla para el cáncer de pulmón.", "es", True)
    assert trial.summary_for("en") == ("A pill for lung cancer, tested against chemo.", "en", True)
    Trial.objects.filter(pk=trial.pk).update(plain_summary="", plain_summary_es="")
    trial.refresh_from_db()
    assert trial.summary_for("es") == ("A made-up study for tests.", "en", False)
