from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from consent.models import AccessLog
from consent.services import revoke_authorization
from matches.models import Match, MatchEvent, Status


def test_detail_shows_criteria_consent_and_logs_the_access(morning_queue, onc_client, onc_coordinator):
    match = morning_queue["onc"][0]
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "Ana Alvarez" in page
    assert "Lung adenocarcinoma" in page
    assert 'data-outcome="met"' in page
    assert "valid</span>" in page
    assert reverse("matches:authorization", args=[match.pk]) in page
    log = AccessLog.objects.get(user=onc_coordinator, patient=match.patient)
    assert log.action == "view match detail" and log.path == f"/coordinator/matches/{match.pk}/"


def test_signed_copy_shows_the_text_the_patient_signed_and_is_logged(morning_queue, onc_client, onc_coordinator):
    match = morning_queue["onc"][0]
    authorization = match.patient.authorizations.get()
    page = onc_client.get(reverse("matches:authorization", args=[match.pk])).content.decode()
    assert authorization.snapshot.splitlines()[0] in page
    assert "Intact" in page
    assert AccessLog.objects.filter(user=onc_coordinator, patient=match.patient,
                                    action="view signed authorization").count() == 1


def test_status_change_offers_only_allowed_moves_and_records_who_from_to(morning_queue, onc_client,
                                                                       onc_coordinator):
    match = morning_queue["onc"][0]
    form = onc_client.get(reverse("matches:detail", args=[match.pk])).context["status_form"]
    assert [v for v, _ in form.fields["status"].choices] == ["reviewing"]
    onc_client.post(reverse("matches:change_status", args=[match.pk]), {"status": "eligible"})
    assert Match.objects.get(pk=match.pk).status == Status.NEW
    onc_client.post(reverse("matches:change_status", args=[match.pk]), {"status": "reviewing", "note": "Looks good"})
    event = MatchEvent.objects.get(match=match, kind=MatchEvent.Kind.STATUS)
    assert (event.actor, event.from_status, event.to_status, event.note) == (onc_coordinator, "new", "reviewing",
                                                                             "Looks good")


def test_patient_status_page_reads_the_new_status_in_plain_words(morning_queue, onc_client):
    match = morning_queue["onc"][0]
    for status in ("reviewing", "eligible"):
        onc_client.post(reverse("matches:change_status", args=[match.pk]), {"status": status})
    page = onc_client.get(reverse("patient:status", args=[match.patient.status_token()])).content.decode()
    assert "They will contact you" in page


def test_contact_log_records_when_how_and_outcome_and_can_mark_contacted(morning_queue, onc_client,
                                                                       onc_coordinator):
    match = morning_queue["onc"][0]
    match.move_to(Status.REVIEWING, by=onc_coordinator)
    match.move_to(Status.ELIGIBLE, by=onc_coordinator)
    response = onc_client.post(reverse("matches:log_contact", args=[match.pk]), {
        "at": "2026-11-27T09:15", "method": "phone", "outcome": "reached", "note": "Keen; call Tuesday",
        "mark_contacted": "on"}, follow=True)
    page = response.content.decode()
    assert "Contact logged." in page
    assert "Phone call" in page and "Reached the patient" in page and "Keen; call Tuesday" in page
    contact = MatchEvent.objects.get(match=match, kind=MatchEvent.Kind.CONTACT)
    assert (contact.contact_method, contact.contact_outcome, contact.actor) == ("phone", "reached", onc_coordinator)
    # Typed in the team's time zone (the default, New York), stored as that instant.
    assert timezone.localtime(contact.at, ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M") == \
        "2026-11-27 09:15"
    assert Match.objects.get(pk=match.pk).status == Status.CONTACTED


def test_contact_in_the_future_is_refused(morning_queue, onc_client):
    match = morning_queue["onc"][0]
    response = onc_client.post(reverse("matches:log_contact", args=[match.pk]), {
        "at": "2099-01-01T09:00", "method": "email", "outcome": "no_answer"}, follow=True)
    assert "cannot be in the future" in response.content.decode()
    assert not MatchEvent.objects.filter(match=match, kind=MatchEvent.Kind.CONTACT).exists()


def test_notes_show_on_the_detail_page(morning_queue, onc_client):
    match = morning_queue["onc"][0]
    onc_client.post(reverse("matches:add_note", args=[match.pk]), {"note": "Prefers mornings"})
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "Prefers mornings" in page


def test_revoked_patient_disappears_from_queue_and_detail(morning_queue, onc_client):
    match = morning_queue["onc"][0]
    revoke_authorization(patient=match.patient)
    assert onc_client.get(reverse("matches:detail", args=[match.pk])).status_code == 404
    assert match.patient.reference not in onc_client.get("/coordinator/").content.decode()


def test_a_patient_registered_twice_is_flagged_as_a_possible_duplicate(morning_queue, onc_client):
    from intake.models import Patient
    from tests.conftest import make_patient

    match = morning_queue["onc"][0]
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert 'id="possible-duplicates"' not in page

    first = match.patient
    again = make_patient(full_name=first.full_name, email=first.email, birth_date=first.birth_date)
    Patient.objects.filter(pk=again.pk).update(possible_duplicate_of=first)  # as the intake flags a second record
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    flagged = page[page.index('id="possible-duplicates"'):]
    assert again.reference in flagged[:400]
