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
