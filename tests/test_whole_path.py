"""The whole path through the real views: intake → authorization → background match → coordinator → status page."""

import pytest
from django.urls import reverse

from consent.models import AccessLog, Authorization
from intake.models import Patient
from matches.models import Match, MatchEvent, Status
from tests.intake.conftest import ABOUT, walk, wizard_post


def walk_intake(client, about=ABOUT, condition="onc:LUAD", questions=None):
    return walk(client, about=about, condition=condition, questions=questions)


@pytest.mark.django_db(transaction=True)
def test_a_patient_who_signs_is_matched_and_seen_by_their_trials_coordinator(client, lung_trial, onc_coordinator,
                                                                               mh_coordinator):
    response = walk_intake(client, questions={"ecog": "1"})
    assert response.redirect_chain[-1][0] == reverse("patient:sign")
    patient = Patient.objects.get(email="lena@example.com")
    assert Match.objects.count() == 0  # nothing is matched before the authorization

    page = client.get(reverse("patient:sign"))
    assert "This is not agreement to join a trial." in page.content.decode()
    response = client.post(reverse("patient:sign"), {
        "certify": "on", "signed_name": "Lena Park", "relationship": "self",
        "text_version_id": page.context["text"].pk,
    })
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert patient.reference in done.content.decode()

    match = Match.objects.get(patient=patient, trial=lung_trial)
    assert match.verdict == "eligible"
    assert {reason["leaf"] for reason in match.reasons} >= {"age", "condition", "ecog"}
    assert match.nearest_site.city == "Houston"

    status = client.get(reverse("patient:status", args=[patient.status_token()]))
    assert lung_trial.title in status.content.decode()
    assert "Waiting for a coordinator to review" in status.content.decode()

    client.force_login(onc_coordinator)
    queue = client.get(reverse("matches:queue"))
    assert patient.reference in queue.content.decode()
    detail = client.get(reverse("matches:detail", args=[match.pk]))
    assert f"Age {patient.age_on()} is within 18" in detail.content.decode()
    # The queue shows the patient's name and condition, the detail the rest: each read is logged once.
    assert sorted(AccessLog.objects.filter(user=onc_coordinator, patient=patient).values_list("action", flat=True)) \
        == ["view match detail", "view queue"]

    client.post(reverse("matches:change_status", args=[match.pk]), {"status": "reviewing", "note": "Looks good"})
    match.refresh_from_db()
    assert match.status == Status.REVIEWING
    event = MatchEvent.objects.get(match=match, kind="status")
    assert (event.actor, event.from_status, event.to_status, event.note) == (onc_coordinator, "new", "reviewing",
                                                                              "Looks good")
    status = client.get(reverse("patient:status", args=[patient.status_token()]))
    assert "A coordinator is reviewing" in status.content.decode()

    client.force_login(mh_coordinator)
    assert patient.reference not in client.get(reverse("matches:queue")).content.decode()
    assert client.get(reverse("matches:detail", args=[match.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("birth_date_year", "2099", "The date of birth cannot be in the future."),
        ("birth_date_year", "1890", "more than 120 years ago"),
        ("birth_date_day", "31", "Enter a real date"),
        ("postal_code", "7703", "Enter a 5-digit US ZIP code"),
        ("postal_code", "00000", "We could not find ZIP code 00000"),
    ],
)
def test_bad_answers_about_you_get_a_clear_message_and_save_nothing(client, field, value, message):
    client.get(reverse("intake:wizard"))
    # 31 June does not exist; the other dates are real but impossible birthdays.
    response = wizard_post(client, "about", {**ABOUT, field: value})
    assert response.redirect_chain == [(reverse("intake:step", args=["about"]), 302)]
    assert message in response.content.decode()
    assert Patient.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_condition_is_refused_with_a_message(client):
    client.get(reverse("intake:wizard"))
    wizard_post(client, "about", ABOUT)
    response = wizard_post(client, "condition", {"condition_code": "onc:NOT-A-CODE"})
    assert response.status_code == 200
    assert "Choose a condition from the list." in response.content.decode()
    assert Patient.objects.count() == 0


@pytest.mark.django_db
def test_signing_without_the_certification_tick_is_refused_and_nothing_is_signed(client, lung_trial):
    walk_intake(client)
    page = client.get(reverse("patient:sign"))
    response = client.post(reverse("patient:sign"), {"signed_name": "Lena Park", "relationship": "self",
                                                     "text_version_id": page.context["text"].pk})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert Authorization.objects.count() == 0
    assert Match.objects.count() == 0
    assert Patient.objects.count() == 1  # the intake already saved is kept, ready to sign


@pytest.mark.django_db
def test_the_authorization_page_without_an_intake_sends_the_visitor_to_start(client):
    response = client.get(reverse("patient:sign"))
    assert response.status_code == 302 and response["Location"] == reverse("intake:wizard")


@pytest.mark.django_db
def test_a_forged_status_link_is_not_found(client, lung_patient):
    token = lung_patient.status_token()
    assert client.get(reverse("patient:status", args=[token + "x"])).status_code == 404
    assert client.get(reverse("patient:status", args=["nothing"])).status_code == 404
