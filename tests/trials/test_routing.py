"""Teams own trials through routing rules (on import and whenever a trial or a rule changes) or adoption, which
neither rules nor imports overwrite."""

import json

import pytest
from django.urls import reverse

from tests.conftest import make_trial, make_user
from tests.trials.ctgov.test_curation_kept import change_form_data
from trials.models import RoutingRule, Trial, TrialTeam
from trials.services import assign_trials, route_trials, trial_matching_inputs_changed

pytestmark = pytest.mark.django_db

HOUSTON = ("Gulf Coast Cancer Institute", "Houston", "Texas", "77030", 29.7079, -95.4016)
CHICAGO = ("Lakeshore Research", "Chicago", "Illinois", "60611", 41.89, -87.62)


@pytest.fixture
def thoracic(db):
    return TrialTeam.objects.create(name="Thoracic")


@pytest.fixture
def texas_lung_team(db):
    team = TrialTeam.objects.create(name="Texas lung")
    RoutingRule.objects.create(team=team, condition_codes=["onc:LUNG"], states=["texas"], priority=10)
    return team


def test_a_rule_routes_a_trial_of_a_code_below_its_own_when_the_trial_changes(thoracic):
    RoutingRule.objects.create(team=thoracic, condition_codes=["onc:LUNG"])
    trial = make_trial("TB-R-1", None, codes=["onc:LUAD"])  # make_trial calls trial_matching_inputs_changed
    trial.refresh_from_db()
    assert (trial.team, trial.team_routed) == (thoracic, True)

    trial.condition_codes = ["onc:BREAST"]
    trial.save()
    trial_matching_inputs_changed(trial)
    trial.refresh_from_db()
    assert (trial.team, trial.team_routed) == (None, False)  # no rule fits any more: unowned again


def test_states_and_cities_narrow_a_rule_and_the_lowest_priority_wins(thoracic, texas_lung_team):
    RoutingRule.objects.create(team=thoracic, condition_codes=["onc:LUNG"], priority=50)
    in_houston = make_trial("TB-R-HOU", None, codes=["onc:NSCLC"], sites=[HOUSTON])
    in_chicago = make_trial("TB-R-CHI", None, codes=["onc:NSCLC"], sites=[CHICAGO])
    assert Trial.objects.get(pk=in_houston.pk).team == texas_lung_team  # "texas" matches "Texas"
    assert Trial.objects.get(pk=in_chicago.pk).team == thoracic

    city_team = TrialTeam.objects.create(name="Chicago only")
    RoutingRule.objects.create(team=city_team, condition_codes=["onc:TISSUE"], cities=["Chicago"], priority=1)
    assert route_trials() == 1
    assert Trial.objects.get(pk=in_chicago.pk).team == city_team
    assert Trial.objects.get(pk=in_houston.pk).team == texas_lung_team


def test_an_adopted_trial_keeps_its_team_whatever_the_rules_say(thoracic, oncology_team):
    trial = make_trial("TB-R-ADOPT", oncology_team, codes=["onc:NSCLC"])  # a team given by hand is adoption
    RoutingRule.objects.create(team=thoracic, condition_codes=["onc:LUNG"])
    route_trials()
    assert Trial.objects.get(pk=trial.pk).team == oncology_team

    assign_trials(trials=Trial.objects.filter(pk=trial.pk), team=None)  # handed back to the rules
    trial.refresh_from_db()
    assert (trial.team, trial.team_routed) == (thoracic, True)


def test_a_trial_no_active_coordinator_works_is_unowned(thoracic):
    owned = make_trial("TB-R-OWNED", thoracic, codes=["onc:NSCLC"])
    nobody = make_trial("TB-R-NOBODY", None, codes=["onc:NSCLC"])
    empty_team = make_trial("TB-R-EMPTY", TrialTeam.objects.create(name="Empty"), codes=["onc:NSCLC"])
    make_user("gone", thoracic, is_active=False)
    assert set(Trial.objects.unowned()) == {owned, nobody, empty_team}
    make_user("tess", thoracic)
    assert set(Trial.objects.unowned()) == {nobody, empty_team}


def test_the_team_admin_edits_routing_rules_and_applies_them_at_once(client, admin_user, thoracic):
    trial = make_trial("TB-R-ADMIN", None, codes=["onc:LUSC"])
    client.force_login(admin_user)
    url = reverse("admin:trials_trialteam_change", args=[thoracic.pk])
    data = change_form_data(client, url)
    data.update({"routing_rules-0-condition_codes": "onc:LUNG, onc:NOPE", "routing_rules-0-priority": "5"})
    response = client.post(url, data)
    assert response.status_code == 200  # refused, with the unknown code named
    assert "unknown condition code onc:NOPE" in response.content.decode()

    data["routing_rules-0-condition_codes"] = "onc:LUNG"
    data["routing_rules-0-states"] = "TX, Louisiana"
    assert client.post(url, data).status_code == 302
    rule = RoutingRule.objects.get(team=thoracic)
    assert (rule.condition_codes, rule.states, rule.cities) == (["onc:LUNG"], ["TX", "Louisiana"], [])
    assert Trial.objects.get(pk=trial.pk).team == thoracic


def test_the_trials_admin_assigns_selected_trials_to_a_team_in_bulk(client, admin_user, thoracic):
    RoutingRule.objects.create(team=thoracic, condition_codes=["onc:LUNG"])
    team = TrialTeam.objects.create(name="Phase 1 unit")
    trials = [make_trial(f"TB-R-BULK{i}", None, codes=["onc:NSCLC"]) for i in range(3)]
    client.force_login(admin_user)
    changelist = reverse("admin:trials_trial_changelist")
    chosen = {"action": "assign_to_team", "_selected_action": [trials[0].pk, trials[1].pk]}
    form = client.post(changelist, chosen)
    assert "Assign trials to a team" in form.content.decode()
    done = client.post(changelist, {**chosen, "team": team.pk, "apply": "Assign"})
    assert done.status_code == 302
    assert [(t.team, t.team_routed) for t in Trial.objects.filter(pk__in=[t.pk for t in trials]).order_by("ref")] == [
        (team, False), (team, False), (thoracic, True)]


def test_choosing_a_team_on_the_trial_form_adopts_it_and_emptying_it_follows_the_rules(client, admin_user, thoracic,
                                                                                      oncology_team):
    RoutingRule.objects.create(team=thoracic, condition_codes=["onc:LUNG"])
    trial = make_trial("TB-R-FORM", None, codes=["onc:NSCLC"])
    client.force_login(admin_user)
    url = reverse("admin:trials_trial_change", args=[trial.pk])
    data = change_form_data(client, url)
    data["team"] = oncology_team.pk
    data["condition_codes"] = json.dumps(["onc:NSCLC"])
    assert client.post(url, data).status_code == 302
    trial.refresh_from_db()
    assert (trial.team, trial.team_routed) == (oncology_team, False)
    assert "adopted (routing rules leave it alone)" in client.get(url).content.decode()

    data.pop("team")
    assert client.post(url, data).status_code == 302
    trial.refresh_from_db()
    assert (trial.team, trial.team_routed) == (thoracic, True)
