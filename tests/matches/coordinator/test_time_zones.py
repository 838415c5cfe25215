"""Times in the team's time zone (issue 17.13): queue, detail, history, export, digest and contact defaults."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matches.forms import ContactForm
from matches.models import Match
from matches.notifications import send_team_digest

CHICAGO = ZoneInfo("America/Chicago")
# 15:30 UTC on a November day is 09:30 in Chicago (CST, UTC-6).
CALL = datetime(2026, 11, 27, 15, 30, tzinfo=ZoneInfo("UTC"))


@pytest.fixture
def chicago(oncology_team):
    oncology_team.time_zone = "America/Chicago"
    oncology_team.full_clean()
    oncology_team.save()
    return oncology_team


def test_a_team_time_zone_must_be_a_real_zone(oncology_team):
    oncology_team.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError):
        oncology_team.full_clean()


def test_queue_detail_history_and_export_show_the_teams_local_time(morning_queue, chicago, onc_client,
                                                                  onc_coordinator):
    match = morning_queue["onc"][0]
    match.log_contact(by=onc_coordinator, method="phone", outcome="reached", at=CALL)
    queue = onc_client.get("/coordinator/").content.decode()
    assert "2026-11-27 09:30 CST" in queue
    detail = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "2026-11-27 09:30 CST" in detail and "times in America/Chicago" in detail
    export = onc_client.get(reverse("matches:export")).content.decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(export)) if r["Match ID"] == str(match.pk))
    assert row["Last contact"] == "2026-11-27 09:30" and row["Time zone"] == "America/Chicago"


def test_a_contact_time_defaults_to_now_in_the_teams_zone_and_is_read_in_it(morning_queue, chicago, onc_client):
    match = Match.objects.select_related("trial__team").get(pk=morning_queue["onc"][0].pk)
    with timezone.override(match.time_zone):
        initial = ContactForm(match=match).initial["at"]
    assert initial.tzinfo is not None and str(initial.tzinfo) == "America/Chicago"
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert timezone.localtime(timezone.now(), CHICAGO).strftime("%Y-%m-%dT") in page
    assert "Time in America/Chicago." in page
    onc_client.post(reverse("matches:log_contact", args=[match.pk]),
                    {"at": "2026-11-27T09:30", "method": "phone", "outcome": "reached"})
    assert match.events.get(kind="contact").at == CALL


def test_the_digest_states_its_times_in_the_teams_zone(morning_queue, chicago, onc_coordinator):
    onc_coordinator.email = "olga@example.com"
    onc_coordinator.save()
    Match.objects.filter(trial__team=chicago).update(first_matched_at=CALL)
    assert send_team_digest(chicago.pk) == 3
    body = mail.outbox[-1].body
    assert "Matched at 2026-11-27 09:30 CST (America/Chicago)." in body
