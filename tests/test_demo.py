"""`make run` loads the demo: trials written for the project, one admin, two coordinators on different teams."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from matches.models import Match
from trials.models import Site, Trial


@pytest.fixture
def load_demo(django_capture_on_commit_callbacks):
    def load():
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):  # the matching queued after commit
            call_command("load_demo", stdout=out)
        return out.getvalue()

    return load


@pytest.mark.django_db
def test_the_demo_loads_forty_plus_trials_users_and_matched_patients_and_prints_the_logins(load_demo):
    output = load_demo()

    assert Trial.objects.count() >= 40
    assert Trial.objects.filter(condition_codes__icontains="onc:").count() >= 20
    assert Trial.objects.filter(condition_codes__icontains="psy:").count() >= 8
    assert Trial.objects.filter(condition_codes__icontains="pain:").count() >= 6
    assert Site.objects.values("state").distinct().count() >= 5
    for username in ("admin", "coord.onc", "coord.mh"):
        assert username in output
    assert "demo-pass-2026" in output
    assert Match.objects.filter(verdict="eligible").exists()


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing(load_demo):
    load_demo()
    counts = (Trial.objects.count(), Site.objects.count(), Match.objects.count(), get_user_model().objects.count())
    load_demo()
    assert (Trial.objects.count(), Site.objects.count(), Match.objects.count(),
            get_user_model().objects.count()) == counts


@pytest.mark.django_db
def test_each_demo_coordinator_sees_only_their_teams_matches(client, load_demo):
    load_demo()
    User = get_user_model()
    seen = {}
    for username in ("coord.onc", "coord.mh"):
        client.force_login(User.objects.get(username=username))
        page = client.get("/coordinator/")
        assert page.status_code == 200
        seen[username] = {m.trial.ref for m in page.context["page"]}
    assert seen["coord.onc"] and seen["coord.mh"]
    assert not seen["coord.onc"] & seen["coord.mh"]
    onc_team_refs = set(Trial.objects.filter(team__name="Oncology").values_list("ref", flat=True))
    assert seen["coord.onc"] <= onc_team_refs
