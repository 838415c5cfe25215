"""The patient's answers flow back (issue 17.12): new answers mark each open match, lift it in the queue until a
coordinator opens it, and "needs information" tells the patient exactly which questions to answer."""

from datetime import date

import pytest
from django.urls import reverse

from intake.services import update_answers
from matches.models import Match, MatchEvent, Status
from tests.conftest import make_patient, sign

QUEUE = "/coordinator/"
WHICH_SENTENCE = "Which sentence describes your daily activity best?"


def rows(response):
    return [m.pk for m in response.context["rows"]]


@pytest.fixture
def unsure_match(morning_queue, lung_trial, django_capture_on_commit_callbacks):
    """Dana did not say how active she is: ECOG is an open question of her lung-trial match."""
    patient = make_patient(full_name="Dana Diaz", email="dana@example.com", birth_date=date(1966, 6, 6),
                           answers={"stage": "IV"})
    with django_capture_on_commit_callbacks(execute=True):
        sign(patient)
    match = Match.objects.get(patient=patient, trial=lung_trial)
    assert match.questions == ["ecog"]
    return match


def test_new_answers_give_each_open_match_a_history_entry_and_lift_it_to_the_top(
        morning_queue, onc_client, django_capture_on_commit_callbacks):
    last = rows(onc_client.get(QUEUE))[-1]
    match = Match.objects.get(pk=last)
    closed = morning_queue["other"]
    Match.objects.filter(pk=closed.pk).update(status=Status.DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        update_answers(patient=match.patient, answers={"ecog": 0})
    assert rows(onc_client.get(QUEUE))[0] == match.pk
    assert MatchEvent.objects.filter(match=match, kind=MatchEvent.Kind.ANSWERS).count() == 1
    assert 'new-information"' in onc_client.get(QUEUE).content.decode()
    assert rows(onc_client.get(QUEUE, {"new_information": "on"})) == [match.pk]
    # The other patient's closed match is left alone.
    assert not MatchEvent.objects.filter(match=closed, kind=MatchEvent.Kind.ANSWERS).exists()


def test_opening_the_match_takes_the_badge_away_and_it_returns_to_its_place(morning_queue, onc_client):
    listed = rows(onc_client.get(QUEUE))
    match = Match.objects.get(pk=listed[-1])
    update_answers(patient=match.patient, answers={"ecog": 0})
    page = onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert 'id="new-information"' in page and "New information from the patient" in page
    assert Match.objects.get(pk=match.pk).new_information is False
    assert rows(onc_client.get(QUEUE)) == listed
    assert 'id="new-information"' not in onc_client.get(reverse("matches:detail", args=[match.pk])).content.decode()


def test_needs_information_requires_the_questions_and_the_patient_sees_exactly_those(
        unsure_match, onc_client, onc_coordinator, django_capture_on_commit_callbacks):
    match = unsure_match
    match.move_to(Status.REVIEWING, by=onc_coordinator)
    detail = reverse("matches:change_status", args=[match.pk])
    refused = onc_client.post(detail, {"status": "needs_info"}, follow=True).content.decode()
    assert "Pick the questions the patient should answer." in refused
    assert Match.objects.get(pk=match.pk).status == Status.REVIEWING

    onc_client.post(detail, {"status": "needs_info", "questions": ["ecog"], "note": "Need ECOG"})
    match.refresh_from_db()
    assert (match.status, match.requested_questions) == (Status.NEEDS_INFO, ["ecog"])
    event = MatchEvent.objects.get(match=match, to_status=Status.NEEDS_INFO)
    assert event.questions == ["ecog"]
    assert f"Asked the patient: {WHICH_SENTENCE}" in onc_client.get(
        reverse("matches:detail", args=[match.pk])).content.decode()

    status_url = reverse("patient:status", args=[match.patient.status_token()])
    page = onc_client.get(status_url).content.decode()
    block = page[page.index('data-testid="requested-questions"'):]
    assert "The coordinator asks you to answer" in block and WHICH_SENTENCE in block[:500]

    with django_capture_on_commit_callbacks(execute=True):
        onc_client.post(status_url, {"followup-ecog": "1"})
    match.refresh_from_db()
    assert match.new_information and match.questions == [] and match.requested_question_labels() == []
    assert 'data-testid="requested-questions"' not in onc_client.get(status_url).content.decode()


def test_a_question_that_is_not_open_cannot_be_requested(unsure_match, onc_coordinator):
    unsure_match.move_to(Status.REVIEWING, by=onc_coordinator)
    with pytest.raises(ValueError):
        unsure_match.move_to(Status.NEEDS_INFO, by=onc_coordinator, questions=["pregnant"])
    assert Match.objects.get(pk=unsure_match.pk).status == Status.REVIEWING


def test_needs_information_is_not_offered_in_bulk(morning_queue, onc_client, onc_coordinator):
    for match in morning_queue["onc"]:
        match.move_to(Status.REVIEWING, by=onc_coordinator)
    choices = [value for value, _ in onc_client.get(QUEUE).context["bulk_form"].fields["status"].choices]
    assert "needs_info" not in choices and "eligible" in choices


def test_erasure_drops_the_requested_questions(unsure_match, onc_coordinator):
    from matches.services import scrub_patient_matches

    unsure_match.move_to(Status.REVIEWING, by=onc_coordinator)
    unsure_match.move_to(Status.NEEDS_INFO, by=onc_coordinator, questions=["ecog"])
    scrub_patient_matches(unsure_match.patient_id)
    assert Match.objects.get(pk=unsure_match.pk).requested_questions == []
    assert not MatchEvent.objects.filter(match=unsure_match).exclude(questions=[]).exists()
