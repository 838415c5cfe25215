from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from matches.models import Match, MatchEvent, Status, Trigger
from matches.views import queue as coordinator
from tests.conftest import make_trial

QUEUE = "/coordinator/"


def rows(response):
    return [m.pk for m in response.context["rows"]]


def test_queue_lists_the_teams_matches_and_counts_them_per_status(morning_queue, onc_client):
    onc = morning_queue["onc"]
    onc[0].move_to(Status.REVIEWING, by=None)
    response = onc_client.get(QUEUE)
    assert response.status_code == 200
    assert sorted(rows(response)) == sorted(m.pk for m in onc)
    counts = {value: n for value, _, n in response.context["status_counts"]}
    assert counts[Status.NEW] == 2 and counts[Status.REVIEWING] == 1
    assert "New: <strong>2</strong>" in response.content.decode()


def test_queue_never_shows_another_teams_patient(morning_queue, onc_client):
    page = onc_client.get(QUEUE).content.decode()
    other = morning_queue["other"]
    assert other.patient.reference not in page
    assert other.trial.ref not in page


def test_status_filter_narrows_the_queue(morning_queue, onc_client):
    first = morning_queue["onc"][0]
    first.move_to(Status.REVIEWING, by=None)
    assert rows(onc_client.get(QUEUE, {"status": "reviewing"})) == [first.pk]


def test_trigger_filter_finds_matches_by_what_caused_them(morning_queue, onc_client):
    aged = morning_queue["onc"][1]
    Match.objects.filter(pk=aged.pk).update(trigger=Trigger.AGED_IN)
    assert rows(onc_client.get(QUEUE, {"trigger": "aged_in"})) == [aged.pk]
    assert aged.pk not in rows(onc_client.get(QUEUE, {"trigger": "new_intake"}))


def test_distance_filter_keeps_matches_within_the_miles_given(morning_queue, onc_client):
    near, far, unknown = morning_queue["onc"]
    Match.objects.filter(pk=near.pk).update(nearest_site_km=10)
    Match.objects.filter(pk=far.pk).update(nearest_site_km=400)
    Match.objects.filter(pk=unknown.pk).update(nearest_site_km=None)
    assert rows(onc_client.get(QUEUE, {"within_miles": "50"})) == [near.pk]


def test_date_matched_filter_keeps_the_days_asked_for(morning_queue, onc_client):
    old, *recent = morning_queue["onc"]
    Match.objects.filter(pk=old.pk).update(first_matched_at=timezone.now() - timedelta(days=30))
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert sorted(rows(onc_client.get(QUEUE, {"matched_from": since}))) == sorted(m.pk for m in recent)
    until = (timezone.localdate() - timedelta(days=20)).isoformat()
    assert rows(onc_client.get(QUEUE, {"matched_to": until})) == [old.pk]


def test_queue_sorts_by_distance_score_and_date(morning_queue, onc_client):
    a, b, c = morning_queue["onc"]
    for match, km, score, days in ((a, 30, 0.5, 3), (b, 10, 0.9, 1), (c, 20, 0.1, 2)):
        Match.objects.filter(pk=match.pk).update(nearest_site_km=km, score=score,
                                                 first_matched_at=timezone.now() - timedelta(days=days))
    assert rows(onc_client.get(QUEUE, {"ordering": "distance"})) == [b.pk, c.pk, a.pk]
    assert rows(onc_client.get(QUEUE, {"ordering": "-score"})) == [b.pk, a.pk, c.pk]
    assert rows(onc_client.get(QUEUE, {"ordering": "matched"})) == [a.pk, c.pk, b.pk]


def test_queue_is_paginated_and_pages_keep_the_filters(morning_queue, onc_client, monkeypatch):
    monkeypatch.setattr(coordinator, "PAGE_SIZE", 2)
    first = onc_client.get(QUEUE, {"status": "new", "ordering": "-score"})
    assert len(rows(first)) == 2
    page = first.content.decode()
    assert "Page 1 of 2" in page
    assert "status=new&amp;ordering=-score&amp;page=2" in page
    second = onc_client.get(QUEUE, {"status": "new", "ordering": "-score", "page": 2})
    assert len(rows(second)) == 1
    assert set(rows(first)) | set(rows(second)) == {m.pk for m in morning_queue["onc"]}


def test_select_all_ticks_every_row_on_the_page(morning_queue, onc_client):
    page = onc_client.get(QUEUE, {"select": "page"}).content.decode()
    assert page.count('name="match"') == 3
    assert page.count(" checked") == 3


def test_bulk_change_moves_every_selected_match_with_an_event_and_note(morning_queue, onc_client,
                                                                       onc_coordinator):
    ids = [m.pk for m in morning_queue["onc"]]
    response = onc_client.post(reverse("matches:bulk_status"),
                               {"match": ids, "status": "reviewing", "note": "Morning review", "next": QUEUE},
                               follow=True)
    assert "Moved 3 to Reviewing." in response.content.decode()
    assert set(Match.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.REVIEWING}
    events = MatchEvent.objects.filter(match_id__in=ids, kind=MatchEvent.Kind.STATUS)
    assert events.count() == 3
    assert {(e.actor_id, e.from_status, e.to_status, e.note) for e in events} == {
        (onc_coordinator.pk, "new", "reviewing", "Morning review")}


def test_bulk_change_refuses_the_lot_when_one_match_cannot_move(morning_queue, onc_client):
    a, b, c = morning_queue["onc"]
    a.move_to(Status.REVIEWING, by=None)
    response = onc_client.post(reverse("matches:bulk_status"),
                               {"match": [a.pk, b.pk, c.pk], "status": "reviewing"}, follow=True)
    assert "nothing was changed" in response.content.decode()
    assert list(Match.objects.filter(pk__in=[b.pk, c.pk]).values_list("status", flat=True)) == ["new", "new"]
    assert MatchEvent.objects.filter(match=b, kind=MatchEvent.Kind.STATUS).count() == 0


def test_bulk_change_offers_only_moves_the_page_allows(morning_queue, onc_client):
    form = onc_client.get(QUEUE, {"status": "new"}).context["bulk_form"]
    assert [value for value, _ in form.fields["status"].choices] == ["reviewing"]


def test_bulk_change_with_another_teams_match_is_404_and_changes_nothing(morning_queue, onc_client):
    mine, other = morning_queue["onc"][0], morning_queue["other"]
    response = onc_client.post(reverse("matches:bulk_status"),
                               {"match": [mine.pk, other.pk], "status": "reviewing"})
    assert response.status_code == 404
    assert Match.objects.get(pk=mine.pk).status == Status.NEW
    assert Match.objects.get(pk=other.pk).status == Status.NEW


def _trial_options(page):
    start = page.index('name="trial"')
    return page[start:page.index("</select>", start)]


def test_the_filters_trial_list_is_each_teams_own_and_follows_new_trials(morning_queue, onc_client, mh_client,
                                                                          oncology_team):
    onc_options = _trial_options(onc_client.get(QUEUE).content.decode())
    mh_options = _trial_options(mh_client.get(QUEUE).content.decode())
    assert morning_queue["onc"][0].trial.ref in onc_options
    assert morning_queue["onc"][0].trial.ref not in mh_options
    assert morning_queue["other"].trial.ref in mh_options

    make_trial("TB-NEWLY-ADDED", oncology_team, codes=["onc:NSCLC"])

    assert "TB-NEWLY-ADDED" in _trial_options(onc_client.get(QUEUE).content.decode())
    assert "TB-NEWLY-ADDED" not in _trial_options(mh_client.get(QUEUE).content.decode())


def test_a_chosen_filter_shows_as_chosen(morning_queue, onc_client):
    page = onc_client.get(QUEUE, {"status": "reviewing"}).content.decode()
    assert '<option value="reviewing" selected>' in page
    assert '<option value="reviewing" selected>' not in onc_client.get(QUEUE).content.decode()
