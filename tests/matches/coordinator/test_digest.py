import pytest
from django.core import mail
from django.utils import timezone

from matches import notifications, tasks
from matches.models import Match


@pytest.fixture
def teams_with_email(onc_coordinator, mh_coordinator):
    for user, address in ((onc_coordinator, "olga@site.example"), (mh_coordinator, "miguel@site.example")):
        user.email = address
        user.save()


def test_each_team_gets_one_digest_of_its_new_eligible_matches(morning_queue, teams_with_email):
    eligible = [m for m in morning_queue["onc"] if m.verdict == "eligible"]
    assert eligible, "the lung patients should be eligible for the lung trial"
    tasks.send_digests.delay()
    onc_mail = [m for m in mail.outbox if m.to == ["olga@site.example"]]
    assert len(onc_mail) == 1
    message = onc_mail[0]
    assert message.subject == f"TrialBridge: {len(eligible)} new matches for Oncology"
    for match in eligible:
        assert f"/coordinator/matches/{match.pk}/" in message.body
    html = message.alternatives[0][0]
    assert f"/coordinator/matches/{eligible[0].pk}/" in html
    assert all(m.notified_at for m in Match.objects.filter(pk__in=[m.pk for m in eligible]))


def test_digest_carries_links_and_counts_never_names_or_diagnoses(morning_queue, teams_with_email):
    tasks.send_digests.delay()
    text = " ".join(m.body + m.alternatives[0][0] + m.subject for m in mail.outbox)
    for match in [*morning_queue["onc"], morning_queue["other"]]:
        patient = match.patient
        for detail in (patient.full_name, patient.email, patient.reference, patient.postal_code):
            assert detail not in text
    # The trial's own reference is how the team names its study; nothing else may hint at the condition.
    for match in [*morning_queue["onc"], morning_queue["other"]]:
        text = text.replace(match.trial.ref, "")
    for diagnosis in ("adenocarcinoma", "Lung", "depress", "PHQ", "cancer", "ECOG", "stage"):
        assert diagnosis.lower() not in text.lower()


def test_a_match_is_announced_only_once(morning_queue, teams_with_email):
    tasks.send_digests.delay()
    sent = len(mail.outbox)
    tasks.send_digests.delay()
    team = morning_queue["onc"][0].trial.team
    assert notifications.send_team_digest(team.pk) == 0
    assert len(mail.outbox) == sent


def test_two_workers_claiming_the_same_matches_split_them_without_overlap(morning_queue):
    ids = [m.pk for m in morning_queue["onc"]]
    first = notifications._claim(ids[:2], timezone.now())
    second = notifications._claim(ids, timezone.now())
    assert first == ids[:2] and second == ids[2:]


def test_a_refused_email_leaves_the_matches_for_the_next_run(morning_queue, teams_with_email, monkeypatch):
    team = morning_queue["onc"][0].trial.team

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        notifications.send_team_digest(team.pk)
    assert not Match.objects.filter(trial__team=team, notified_at__isnull=False).exists()
    monkeypatch.undo()
    assert notifications.send_team_digest(team.pk) > 0


def test_urgent_matches_are_announced_even_when_only_possibly_eligible(morning_queue, teams_with_email):
    match = morning_queue["onc"][0]
    Match.objects.filter(pk=match.pk).update(verdict="possible", urgent=True)
    Match.objects.exclude(pk=match.pk).update(notified_at="2026-11-27T00:00Z")
    tasks.send_digests.delay()
    (message,) = mail.outbox
    assert "(1 urgent)" in message.subject
    assert f"/coordinator/matches/{match.pk}/" in message.body


def test_team_digest_address_wins_over_members(morning_queue, teams_with_email):
    team = morning_queue["onc"][0].trial.team
    team.digest_email = "onc-screening@site.example"
    team.save()
    notifications.send_team_digest(team.pk)
    assert mail.outbox[0].to == ["onc-screening@site.example"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_at_once_announce_each_match_once(morning_queue, teams_with_email, monkeypatch):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections need PostgreSQL (set DATABASE_URL)")
    team = morning_queue["onc"][0].trial.team
    sent, barrier = [], threading.Barrier(2)
    original = notifications._claim

    def claim_together(ids, now):
        barrier.wait(timeout=10)  # both workers have read the same candidates before either claims
        return original(ids, now)

    monkeypatch.setattr(notifications, "_claim", claim_together)

    def worker():
        try:
            sent.append(notifications.send_team_digest(team.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    eligible = Match.objects.filter(trial__team=team, verdict="eligible").count()
    assert sorted(sent) == [0, eligible]
    links = [line for m in mail.outbox for line in m.body.splitlines() if "/coordinator/matches/" in line]
    assert len(links) == len(set(links)) == eligible
