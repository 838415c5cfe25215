"""Every urgent patient reaches a person: the safety team's urgent view lists them whatever trials they matched,
under the same consent rule as every staff page, and each read is logged. The dashboard lists the trials whose
matches reach no coordinator."""

import pytest
from django.urls import reverse

from consent.models import AccessLog
from consent.services import revoke_authorization
from intake.models import Patient
from matches import notifications, tasks
from matches.models import Match
from tests.conftest import make_patient, make_trial, make_user, sign
from trials.models import ItemReview, Trial, TrialTeam
from trials.services import review_items, trial_matching_inputs_changed

from .conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)
URGENT = "/coordinator/urgent/"
# PHQ-9 with item 9 ("thoughts that you would be better off dead…") answered "several days".
ITEM_9 = {"phq9_items": [2, 2, 2, 2, 1, 1, 1, 1, 1], "gad7_items": [1] * 7, "antidepressant_trials": 2}


@pytest.fixture
def safety_coordinator(settings):
    settings.SAFETY_TEAM_NAME = "Safety"
    return make_user("sasha", TrialTeam.objects.create(name="Safety"))


@pytest.fixture
def unowned_depression_trial(db):
    """An imported trial no team owns: its matches are in nobody's queue."""
    return make_trial("NCT90000555", None, codes=["psy:MDD"], max_age=65,
                      sites=(("Lakeshore Behavioral Research", "Chicago", "IL", "60611", 41.8925, -87.6262),))


@pytest.fixture
def urgent_patient(db):
    patient = make_patient(full_name="Rosa Díaz", email="rosa@example.com", sex="female", postal_code="60611",
                           condition_code="psy:MDD", answers=ITEM_9, phone="+13125550142")
    assert patient.urgent
    return patient


def test_a_phq9_item_9_answer_reaches_the_urgent_view_when_only_unowned_trials_match(
        safety_coordinator, unowned_depression_trial, urgent_patient, mh_coordinator):
    sign(urgent_patient)
    match = Match.objects.get(patient=urgent_patient)
    assert match.urgent and match.trial == unowned_depression_trial
    assert not Match.objects.for_user(mh_coordinator).exists()  # in no trial team's queue

    page = client_for(safety_coordinator).get(URGENT).content.decode()
    assert "Rosa Díaz" in page and "+13125550142" in page and urgent_patient.reference in page
    assert "NCT90000555" in page and "no team" in page
    log = AccessLog.objects.get(user=safety_coordinator, patient=urgent_patient)
    assert (log.action, log.path) == ("view urgent list", URGENT)


def test_an_urgent_patient_with_no_match_at_all_still_reaches_the_safety_team(safety_coordinator, urgent_patient):
    sign(urgent_patient)
    assert not Match.objects.filter(patient=urgent_patient).exists()
    page = client_for(safety_coordinator).get(URGENT).content.decode()
    assert "Rosa Díaz" in page and "No trial matched" in page


def test_the_urgent_view_shows_a_patient_only_while_their_authorization_is_valid(safety_coordinator,
                                                                                urgent_patient):
    client = client_for(safety_coordinator)
    assert "Rosa Díaz" not in client.get(URGENT).content.decode()  # never signed
    sign(urgent_patient)
    assert "Rosa Díaz" in client.get(URGENT).content.decode()
    revoke_authorization(patient=urgent_patient)
    assert "Rosa Díaz" not in client.get(URGENT).content.decode()
    assert AccessLog.objects.filter(patient=urgent_patient).count() == 1


def test_other_coordinators_see_only_the_urgent_patients_of_their_own_trials(
        safety_coordinator, unowned_depression_trial, urgent_patient, mh_coordinator, depression_trial):
    sign(urgent_patient)
    mh = client_for(mh_coordinator)
    page = mh.get(URGENT).content.decode()
    assert "Rosa Díaz" in page  # she also matched TB-TEST-MDD, the team's own trial
    assert reverse("matches:detail", args=[Match.objects.get(trial=depression_trial).pk]) in page
    # The unowned trial is named, not linked: the coordinator cannot open that match.
    assert reverse("matches:detail", args=[Match.objects.get(trial=unowned_depression_trial).pk]) not in page

    Match.objects.filter(trial=depression_trial).delete()
    assert "Rosa Díaz" not in mh.get(URGENT).content.decode()


def test_the_wizards_promise_of_prompt_attention_appears_only_while_a_safety_team_is_staffed(
        client, settings, demo_trials):
    from tests.intake.conftest import walk

    settings.SAFETY_TEAM_NAME = "Safety"
    promise = "Once you sign the authorization, a study coordinator will see that your answers need prompt attention."

    def safety_step():
        client.post(reverse("intake:wizard"), {"start_over": "1"})
        return walk(client, condition="psy:MDD", questions={"phq9_9": "2"}, stop_at="safety")

    page = safety_step().content.decode()
    assert "Before you go on" in page and "988" in page and promise not in page
    make_user("sasha", TrialTeam.objects.create(name="Safety"))
    assert promise in safety_step().content.decode()


def test_the_dashboard_lists_trials_whose_matches_reach_no_coordinator(
        settings, admin_user, unowned_depression_trial, urgent_patient, depressed_patient, mh_coordinator):
    settings.SAFETY_TEAM_NAME = "Safety"
    sign(urgent_patient)
    sign(depressed_patient)
    page = client_for(admin_user).get(reverse("matches:dashboard")).content.decode()
    row = page[page.index('id="unowned-trials"'):]
    row = row[:row.index("</table>")]
    assert "NCT90000555" in row and "<td>2</td><td>1</td>" in row  # two waiting, one urgent
    assert "No safety team" in page


def test_the_match_detail_shows_how_far_the_review_got_and_the_screening_checklist(
        admin_user, onc_coordinator, oncology_team, lung_patient):
    trial = make_trial("NCT90000666", oncology_team, codes=["onc:NSCLC"])
    Trial.objects.filter(pk=trial.pk).update(source=Trial.Source.CTGOV, eligibility_items=[
        {"section": "inclusion", "text": "Adequate organ function", "understood": False},
        {"section": "exclusion", "text": "Active hepatitis B", "understood": True},
        {"section": "inclusion", "text": "ECOG 0-1", "understood": True}])
    trial.refresh_from_db()
    trial_matching_inputs_changed(trial)
    review_items(trial=trial, by=admin_user, decisions={0: (ItemReview.SCREENING, [])})
    sign(lung_patient)
    match = Match.objects.get(patient=lung_patient, trial=trial)
    assert match.verdict == "possible"
    page = client_for(onc_coordinator).get(reverse("matches:detail", args=[match.pk])).content.decode()
    assert "Criteria reviewed: 1 of 3 items: until every item is reviewed" in page
    checklist = page[page.index('id="screening-checklist"'):]
    assert "Inclusion: Adequate organ function" in checklist[:checklist.index("</ul>")]
    assert "hepatitis" not in checklist[:checklist.index("</ul>")]
    assert Patient.objects.get(pk=lung_patient.pk).urgent is False


@pytest.fixture
def safety_email(safety_coordinator):
    safety_coordinator.email = "sasha@site.example"
    safety_coordinator.save()
    return safety_coordinator.email


def test_the_safety_team_is_emailed_once_about_an_urgent_patient_whatever_they_matched(
        safety_email, unowned_depression_trial, urgent_patient, mailoutbox):
    sign(urgent_patient)
    mailoutbox.clear()  # the patient's own status-link email
    tasks.send_digests.delay()
    (message,) = [m for m in mailoutbox if m.to == [safety_email]]
    assert message.subject == "TrialBridge: 1 patient flagged urgent for the Safety team"
    assert URGENT in message.body
    for detail in ("Rosa", "Díaz", "rosa@example.com", "+13125550142", urgent_patient.reference, "60611",
                   unowned_depression_trial.ref):
        assert detail not in message.subject + message.body
    assert Patient.objects.get(pk=urgent_patient.pk).safety_notified_at is not None

    mailoutbox.clear()
    tasks.send_digests.delay()
    assert not [m for m in mailoutbox if m.to == [safety_email]]


def test_the_safety_alert_waits_for_a_valid_authorization(safety_email, urgent_patient, mailoutbox):
    assert notifications.send_safety_alert() == 0  # not signed: nobody may see them yet
    sign(urgent_patient)
    assert notifications.send_safety_alert() == 1
    assert Patient.objects.get(pk=urgent_patient.pk).safety_notified_at is not None


def test_no_safety_alert_without_a_safety_team(settings, urgent_patient, mailoutbox):
    settings.SAFETY_TEAM_NAME = ""
    sign(urgent_patient)
    mailoutbox.clear()
    assert notifications.send_safety_alert() == 0
    assert not mailoutbox
    assert Patient.objects.get(pk=urgent_patient.pk).safety_notified_at is None
