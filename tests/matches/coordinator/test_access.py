"""Every coordinator URL, walked as another team's coordinator, a patient, a teamless user and anonymously."""

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from consent.models import AccessLog
from matches.models import Match, MatchEvent

from .conftest import client_for

# (url name, needs a match pk, method). Every coordinator URL must be here: see the last test.
COORDINATOR_URLS = [
    ("matches:queue", False, "get"),
    ("matches:export", False, "get"),
    ("matches:bulk_status", False, "post"),
    ("matches:bulk_assign", False, "post"),
    ("matches:next", False, "get"),
    ("matches:dashboard", False, "get"),
    ("matches:urgent", False, "get"),
    ("matches:detail", True, "get"),
    ("matches:authorization", True, "get"),
    ("matches:change_status", True, "post"),
    ("matches:assign", True, "post"),
    ("matches:add_note", True, "post"),
    ("matches:log_contact", True, "post"),
]
POSTS = {
    "matches:bulk_status": lambda m: {"match": [m.pk], "status": "reviewing"},
    "matches:bulk_assign": lambda m: {"match": [m.pk], "owner": ""},
    "matches:change_status": lambda m: {"status": "reviewing"},
    "matches:assign": lambda m: {"owner": ""},
    "matches:add_note": lambda m: {"note": "peek"},
    "matches:log_contact": lambda m: {"at": "2026-11-27T09:00", "method": "phone", "outcome": "reached"},
}


def request(client, name, needs_pk, method, match):
    url = reverse(name, args=[match.pk] if needs_pk else [])
    if method == "post":
        return client.post(url, POSTS[name](match))
    return client.get(url)


def assert_untouched(match):
    assert Match.objects.get(pk=match.pk).status == "new"
    assert not MatchEvent.objects.filter(match=match).exclude(kind=MatchEvent.Kind.CREATED).exists()
    assert not AccessLog.objects.filter(patient=match.patient).exists()


@pytest.mark.parametrize("name,needs_pk,method", [u for u in COORDINATOR_URLS
                                                   if u[1] or u[0] in ("matches:bulk_status", "matches:bulk_assign")])
def test_another_teams_coordinator_gets_404_for_every_match_url(morning_queue, onc_client, name, needs_pk, method):
    other = morning_queue["other"]
    assert request(onc_client, name, needs_pk, method, other).status_code == 404
    assert_untouched(other)


def test_another_teams_coordinator_sees_none_of_their_rows_on_list_pages(morning_queue, onc_client):
    other = morning_queue["other"]
    for name in ("matches:queue", "matches:export", "matches:urgent"):
        body = onc_client.get(reverse(name)).content.decode("utf-8-sig")
        assert other.patient.reference not in body and other.patient.full_name not in body
    assert onc_client.get(reverse("matches:dashboard")).status_code == 404  # admins only


@pytest.mark.parametrize("name,needs_pk,method", COORDINATOR_URLS)
def test_anonymous_visitor_is_sent_to_sign_in_for_every_coordinator_url(morning_queue, name, needs_pk, method):
    match = morning_queue["onc"][0]
    response = request(Client(), name, needs_pk, method, match)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert_untouched(match)


@pytest.mark.parametrize("name,needs_pk,method", COORDINATOR_URLS)
def test_patient_with_their_own_status_link_session_is_sent_to_sign_in(morning_queue, name, needs_pk, method):
    # Patients have no account: the most they hold is a session from their own intake and status link.
    match = morning_queue["onc"][0]
    patient_client = Client()
    patient_client.get(reverse("patient:status", args=[match.patient.status_token()]))
    response = request(patient_client, name, needs_pk, method, match)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert_untouched(match)


@pytest.mark.parametrize("name,needs_pk,method", COORDINATOR_URLS)
def test_signed_in_user_on_no_team_gets_404_everywhere(morning_queue, teamless_user, name, needs_pk, method):
    match = morning_queue["onc"][0]
    assert request(client_for(teamless_user), name, needs_pk, method, match).status_code == 404
    assert_untouched(match)


def test_admin_sees_every_teams_match(morning_queue, admin_client_):
    for match in [*morning_queue["onc"], morning_queue["other"]]:
        assert admin_client_.get(reverse("matches:detail", args=[match.pk])).status_code == 200
    assert admin_client_.get(reverse("matches:dashboard")).status_code == 200


def test_the_walk_covers_every_coordinator_url():
    walked = {name.split(":")[1] for name, _, _ in COORDINATOR_URLS}
    resolver = get_resolver()
    matches_urls = resolver.url_patterns
    names = set()
    for pattern in matches_urls:
        for sub in getattr(pattern, "url_patterns", []):
            if getattr(pattern, "namespace", None) == "matches" and str(sub.pattern).startswith("coordinator/"):
                names.add(sub.name)
    assert names == walked
