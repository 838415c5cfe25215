"""Revocation: one step from the status page, effective at once, both records kept."""

import pytest

import matches.services
import matches.tasks
from consent.models import Authorization, Revocation
from consent.services import revoke_authorization
from matches.models import Match, MatchEvent, Status
from matches.services import matching
from tests.conftest import sign


def revoke_through_the_page(client, patient):
    return client.post(f"/status/{patient.status_token()}/revoke/", {"confirm": "on"}, follow=True)


@pytest.mark.django_db
def test_the_status_page_links_to_revocation_which_asks_for_confirmation(client, matched_lung_patient):
    token = matched_lung_patient.status_token()
    status_page = client.get(f"/status/{token}/").content.decode()
    assert "/revoke/" in status_page
    page = client.get(f"/status/{token}/revoke/").content.decode()
    assert 'name="confirm"' in page
    unconfirmed = client.post(f"/status/{token}/revoke/", {})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert not Revocation.objects.exists()


@pytest.mark.django_db
def test_a_patient_who_revokes_is_gone_from_every_coordinator_queue_in_the_same_request(
    client, matched_lung_patient, onc_coordinator, admin_user
):
    match = matched_lung_patient.matches.get()
    for user in (onc_coordinator, admin_user):
        client.force_login(user)
        assert matched_lung_patient.reference in client.get("/coordinator/").content.decode()
    client.logout()

    revoke_through_the_page(client, matched_lung_patient)

    for user in (onc_coordinator, admin_user):
        client.force_login(user)
        assert matched_lung_patient.reference not in client.get("/coordinator/").content.decode()
        assert client.get(f"/coordinator/matches/{match.pk}/").status_code == 404
    match.refresh_from_db()
    assert match.status == Status.WITHDRAWN
    event = MatchEvent.objects.filter(match=match).latest("at")
    assert (event.from_status, event.to_status) == (Status.NEW, Status.WITHDRAWN)


@pytest.mark.django_db
def test_revocation_keeps_both_records(client, matched_lung_patient):
    authorization = matched_lung_patient.authorizations.get()
    revoke_through_the_page(client, matched_lung_patient)
    revocation = Revocation.objects.get(authorization=authorization)
    assert Authorization.objects.get(pk=authorization.pk).verify()
    assert revocation.method == "status page"
    assert not Authorization.objects.valid().filter(patient=matched_lung_patient).exists()


@pytest.mark.django_db
def test_a_match_task_queued_before_the_revocation_makes_no_match_when_it_runs_after(
    lung_patient, lung_trial, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        sign(lung_patient)
    assert queued, "signing queues a match after commit"
    revoke_authorization(patient=lung_patient)
    for callback in queued:
        callback()  # the queued task runs now, after the revocation
    matches.tasks.match_patient(lung_patient.pk)
    result = matches.services.match_patient(lung_patient.pk)
    assert result.skipped_reason
    assert not Match.objects.filter(patient=lung_patient).exists()


@pytest.mark.django_db
def test_a_run_that_started_before_the_revocation_writes_nothing(lung_patient, lung_trial, monkeypatch):
    sign(lung_patient)  # its queued match never runs here: on-commit work is not executed in this test
    assert not Match.objects.exists()
    evaluate = matching._evaluate

    def revoke_mid_run(*args, **kwargs):
        # The patient revokes while the engine is evaluating, before the run writes.
        if not Revocation.objects.exists():
            revoke_authorization(patient=lung_patient)
        return evaluate(*args, **kwargs)

    monkeypatch.setattr(matching, "_evaluate", revoke_mid_run)
    result = matches.services.match_patient(lung_patient.pk)
    assert result.skipped_reason == "authorization revoked during the run"
    assert not Match.objects.filter(patient=lung_patient).exists()


@pytest.mark.django_db
def test_trial_matching_never_brings_back_a_revoked_patient(matched_lung_patient, lung_trial):
    revoke_authorization(patient=matched_lung_patient)
    matches.services.match_trial(lung_trial.pk)
    matches.services.match_patient(matched_lung_patient.pk)
    assert list(Match.objects.filter(patient=matched_lung_patient).values_list("status", flat=True)) == [
        Status.WITHDRAWN
    ]


@pytest.mark.django_db
def test_the_confirmation_says_what_happened_and_claims_no_more(client, matched_lung_patient):
    page = revoke_through_the_page(client, matched_lung_patient).content.decode().replace("&#x27;", "'")
    assert "Your authorization is revoked." in page
    assert "does not undo what was shared with a study team before you revoked" in page
    assert "We keep your authorization, this revocation and your answers on file" in page
    lowered = page.lower()
    for overclaim in ("deleted", "all your data", "erased your", "as the law requires", "every copy",
                      "anyone who received"):
        assert overclaim not in lowered
    form_page = client.get(f"/status/{matched_lung_patient.status_token()}/revoke/")
    assert form_page.status_code == 302  # nothing left to revoke


@pytest.mark.django_db
def test_the_revocation_page_claims_no_more_than_is_true(client, matched_lung_patient):
    page = client.get(f"/status/{matched_lung_patient.status_token()}/revoke/").content.decode().lower()
    assert "does not undo what was shared with a study team before you revoke" in page
    for overclaim in ("deleted", "all your data", "as the law requires"):
        assert overclaim not in page
