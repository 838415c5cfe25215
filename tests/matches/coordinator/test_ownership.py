"""Ownership and "save and next" (issue 17.11)."""

from django.urls import reverse

from matches import services
from matches.models import Match, MatchEvent, Status
from tests.conftest import make_user

QUEUE = "/coordinator/"


def rows(response):
    return [m.pk for m in response.context["rows"]]


def test_a_coordinator_assigns_matches_in_bulk_and_finds_them_under_mine(morning_queue, onc_client, onc_coordinator):
    a, b, c = morning_queue["onc"]
    response = onc_client.post(reverse("matches:bulk_assign"), {"match": [a.pk, b.pk], "owner": onc_coordinator.pk,
                                                                "next": QUEUE}, follow=True)
    assert "2 now owned by olga." in response.content.decode()
    assert sorted(rows(onc_client.get(QUEUE, {"owner": "mine"}))) == sorted([a.pk, b.pk])
    assert rows(onc_client.get(QUEUE, {"owner": "none"})) == [c.pk]
    events = MatchEvent.objects.filter(kind=MatchEvent.Kind.ASSIGNED)
    assert sorted(events.values_list("match", flat=True)) == sorted([a.pk, b.pk])
    assert {(e.actor, e.assignee) for e in events} == {(onc_coordinator, onc_coordinator)}


def test_a_colleague_can_be_given_a_match_and_filtered_by(morning_queue, onc_client, oncology_team):
    colleague = make_user("omar", oncology_team, first_name="Omar", last_name="Ortiz")
    a = morning_queue["onc"][0]
    onc_client.post(reverse("matches:assign", args=[a.pk]), {"owner": colleague.pk})
    assert Match.objects.get(pk=a.pk).owner == colleague
    assert rows(onc_client.get(QUEUE, {"owner": colleague.pk})) == [a.pk]
    page = onc_client.get(reverse("matches:detail", args=[a.pk])).content.decode()
    assert "Owner changed: Omar Ortiz" in page and 'id="owner">Omar Ortiz' in page


def test_nobody_outside_the_trials_team_can_own_its_match(morning_queue, onc_client, mh_coordinator,
                                                         onc_coordinator):
    a = morning_queue["onc"][0]
    onc_client.post(reverse("matches:assign", args=[a.pk]), {"owner": mh_coordinator.pk})
    assert Match.objects.get(pk=a.pk).owner is None
    try:
        services.assign_matches(match_ids=[a.pk, morning_queue["other"].pk], owner=onc_coordinator,
                                by=onc_coordinator)
    except services.OwnershipError:
        pass
    else:
        raise AssertionError("a match of another team was given to olga")
    assert not Match.objects.filter(owner__isnull=False).exists()
    assert not MatchEvent.objects.filter(kind=MatchEvent.Kind.ASSIGNED).exists()


def test_assigning_the_same_owner_twice_records_it_once(morning_queue, onc_coordinator):
    a = morning_queue["onc"][0]
    for _ in range(2):
        services.assign_matches(match_ids=[a.pk], owner=onc_coordinator, by=onc_coordinator)
    assert MatchEvent.objects.filter(match=a, kind=MatchEvent.Kind.ASSIGNED).count() == 1


def test_save_and_next_walks_the_filtered_queue_in_its_order_then_returns_to_it(morning_queue, onc_client):
    listed = rows(onc_client.get(QUEUE, {"status": "new", "ordering": "matched"}))
    assert len(listed) == 3
    queue_query = "status=new&ordering=matched"
    current = listed[0]
    visited = [current]
    for _ in range(3):
        response = onc_client.post(reverse("matches:change_status", args=[current]),
                                   {"status": "reviewing", "then": "next", "queue": queue_query})
        response = onc_client.get(response["Location"])
        if response.status_code != 302 or "/coordinator/matches/" not in response["Location"]:
            break
        current = int(response["Location"].split("/coordinator/matches/")[1].split("/")[0])
        visited.append(current)
    assert visited == listed
    assert response["Location"] == f"{QUEUE}?{queue_query}"
    assert set(Match.objects.filter(pk__in=listed).values_list("status", flat=True)) == {Status.REVIEWING}


def test_save_and_next_in_an_unfiltered_queue_never_comes_back_to_a_match_already_done(morning_queue, onc_client):
    listed = rows(onc_client.get(QUEUE))
    first, second = listed[0], listed[1]
    Match.objects.filter(pk=first).update(new_information=True)  # opening it moves it down the queue
    response = onc_client.post(reverse("matches:change_status", args=[first]), {"status": "reviewing", "then": "next"})
    assert onc_client.get(response["Location"])["Location"] == reverse("matches:detail", args=[second])


def test_a_status_change_that_fails_keeps_the_coordinator_on_the_match(morning_queue, onc_client):
    a = morning_queue["onc"][0]
    response = onc_client.post(reverse("matches:change_status", args=[a.pk]),
                               {"status": "enrolled", "then": "next"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("matches:detail", args=[a.pk])
    assert "The status was not changed" in response.content.decode()
    assert Match.objects.get(pk=a.pk).status == Status.NEW
