"""An authorization that ends by itself (it expires, a new version requires signing again, the child it was signed
for turns 18) takes the patient out of every staff view at once, exactly as revoking does; the sweep marks the
matches and tells the patient; signing again brings the matches back."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from consent.models import Authorization, AuthorizationText, Lapse
from consent.services import ConsentError, record_lapses
from consent.tasks import sweep_lapsed_authorizations
from matches import notifications
from matches.models import Match, MatchEvent, Status
from tests.conftest import make_patient, sign
from trials.eligibility import ENGINE_VERSION

from .conftest import publish_new_version, sign_form


def matched_while_valid(patient, trial):
    """The match the engine wrote while the patient's authorization still held (the engine refuses to write one
    for an authorization that has ended, so the test writes the row it left)."""
    return Match.objects.create(patient=patient, trial=trial, verdict="eligible", score=1.0,
                                engine_version=ENGINE_VERSION)


def expired_yesterday(patient, **overrides):
    days = AuthorizationText.objects.current().valid_for_days
    return sign(patient, now=timezone.now() - timedelta(days=days + 1), **overrides)


@pytest.fixture
def coordinator_client(onc_coordinator):
    client = Client()
    client.force_login(onc_coordinator)
    return client


def staff_sees(client, match):
    """What each staff view shows of the match's patient: queue, detail, CSV export, digest, queue counts."""
    queue = client.get("/coordinator/").content.decode()
    return {
        "queue": match.patient.reference in queue,
        "detail": client.get(f"/coordinator/matches/{match.pk}/").status_code == 200,
        "export": match.patient.full_name in client.get("/coordinator/export.csv").content.decode("utf-8-sig"),
        "digest": Match.objects.awaiting_digest().filter(pk=match.pk).exists(),
        "authorization copy": client.get(f"/coordinator/matches/{match.pk}/authorization/").status_code == 200,
    }


NOTHING = {"queue": False, "detail": False, "export": False, "digest": False, "authorization copy": False}


def assert_sees_nothing(client, match):
    assert staff_sees(client, match) == NOTHING


@pytest.mark.django_db
def test_a_valid_authorization_shows_the_patient_to_their_coordinators(coordinator_client, lung_patient, lung_trial):
    sign(lung_patient)
    match = matched_while_valid(lung_patient, lung_trial)
    assert staff_sees(coordinator_client, match) == dict.fromkeys(NOTHING, True)


@pytest.mark.django_db
def test_an_expired_authorization_takes_the_patient_out_of_every_staff_view_before_any_sweep(
    coordinator_client, lung_patient, lung_trial
):
    expired_yesterday(lung_patient)
    match = matched_while_valid(lung_patient, lung_trial)
    assert_sees_nothing(coordinator_client, match)
    assert Match.objects.get(pk=match.pk).status == Status.NEW  # kept as it was: nothing was written yet


@pytest.mark.django_db
def test_a_version_requiring_reconsent_takes_the_patient_out_of_every_staff_view(
    coordinator_client, lung_patient, lung_trial
):
    sign(lung_patient)
    match = matched_while_valid(lung_patient, lung_trial)
    publish_new_version(requires_reconsent=True)
    assert_sees_nothing(coordinator_client, match)


@pytest.mark.django_db
def test_the_queue_counts_leave_out_patients_whose_authorization_ended(coordinator_client, lung_patient, lung_trial):
    expired_yesterday(lung_patient)
    matched_while_valid(lung_patient, lung_trial)
    assert Match.objects.for_user(lung_trial.team.members.get()).in_queue().count() == 0
    page = coordinator_client.get("/coordinator/")
    assert page.context["total"] == 0
    assert all(count == 0 for _value, _label, count in page.context["status_counts"])


@pytest.mark.django_db
def test_the_digest_leaves_out_a_patient_whose_authorization_ended(lung_patient, lung_trial, onc_coordinator):
    onc_coordinator.email = "olga@example.com"
    onc_coordinator.save()
    expired_yesterday(lung_patient)
    matched_while_valid(lung_patient, lung_trial)
    assert notifications.send_team_digest(lung_trial.team.pk) == 0
    assert not mail.outbox


@pytest.mark.django_db
def test_the_sweep_marks_the_matches_why_and_tells_the_patient_once(lung_patient, lung_trial,
                                                                     django_capture_on_commit_callbacks):
    expired_yesterday(lung_patient)
    match = matched_while_valid(lung_patient, lung_trial)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()  # a second sweep finds the lapse recorded and the patient told

    match.refresh_from_db()
    assert match.status == Status.WITHDRAWN
    event = match.events.get(kind=MatchEvent.Kind.SYSTEM)
    assert (event.from_status, event.to_status) == (Status.NEW, Status.WITHDRAWN)
    assert "expired" in event.note
    lapse = Lapse.objects.get()
    assert lapse.reason == Lapse.Reason.EXPIRED and lapse.patient_told_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.com"]
    body = message.body + message.alternatives[0][0]
    assert lung_patient.status_token() in body
    assert "ended" in message.subject.lower() or "ended" in body
    for health_detail in ("lung", "NSCLC", "adenocarcinoma", lung_trial.ref, lung_trial.title, "ECOG"):
        assert health_detail.lower() not in (message.subject + body).lower()


@pytest.mark.django_db
def test_the_notice_is_in_the_patients_language(lung_trial, django_capture_on_commit_callbacks):
    patient = make_patient(language="es")
    expired_yesterday(patient)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()
    message = mail.outbox[0]
    assert "autorización" in message.subject.lower()
    assert "Firme" in message.body or "firme" in message.body
    assert '<html lang="es"' in message.alternatives[0][0]


@pytest.mark.django_db
def test_a_superseded_authorization_is_noticed_as_such(lung_patient, lung_trial, django_capture_on_commit_callbacks):
    sign(lung_patient)
    match = matched_while_valid(lung_patient, lung_trial)
    publish_new_version(requires_reconsent=True)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()
    assert Lapse.objects.get().reason == Lapse.Reason.SUPERSEDED
    assert "new version" in match.events.get(kind=MatchEvent.Kind.SYSTEM).note
    assert "new version" in mail.outbox[0].body


@pytest.mark.django_db
def test_the_sweep_leaves_valid_and_revoked_authorizations_alone(lung_patient, depressed_patient):
    sign(lung_patient)
    sign(depressed_patient)
    from consent.services import revoke_authorization

    revoke_authorization(patient=depressed_patient)
    assert record_lapses() == (0, [])
    assert not Lapse.objects.exists()


@pytest.mark.django_db
def test_a_patient_who_signed_again_before_the_sweep_is_not_told_anything(lung_patient, authorization_text,
                                                                          django_capture_on_commit_callbacks):
    expired_yesterday(lung_patient)
    sign(lung_patient)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()
    assert not mail.outbox
    assert not Match.objects.filter(status=Status.WITHDRAWN).exists()


@pytest.mark.django_db
def test_signing_again_brings_the_matches_back_to_the_queue(client, coordinator_client, lung_patient, lung_trial,
                                                            authorization_text, django_capture_on_commit_callbacks):
    expired_yesterday(lung_patient)
    match = matched_while_valid(lung_patient, lung_trial)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/status/{lung_patient.status_token()}/authorization/sign/", sign_form(authorization_text))
    match.refresh_from_db()
    assert match.status == Status.NEW
    assert staff_sees(coordinator_client, match)["queue"]


@pytest.mark.django_db
@pytest.mark.parametrize("ended, says", [
    ("expired", "Your authorization expired on"),
    ("superseded", "We have updated the authorization"),
    ("revoked", "You revoked your authorization"),
])
def test_the_patients_page_says_why_their_authorization_ended(client, lung_patient, lung_trial, ended, says):
    if ended == "expired":
        expired_yesterday(lung_patient)
    else:
        sign(lung_patient)
    matched_while_valid(lung_patient, lung_trial)
    if ended == "superseded":
        publish_new_version(requires_reconsent=True)
    if ended == "revoked":
        from consent.services import revoke_authorization

        revoke_authorization(patient=lung_patient)
    page = client.get(f"/status/{lung_patient.status_token()}/").content.decode()
    assert says in page
    assert "coordinators do not see your information" in page
    assert "Waiting for a coordinator to review" not in page  # the match's row says it is on hold, not waiting
    assert f"/status/{lung_patient.status_token()}/authorization/sign/" in page


# Minors --------------------------------------------------------------------------------------------------------


def turns_18_on(day):
    return date(day.year - 18, day.month, day.day)


def parent_signs(patient, now=None):
    return sign(patient, signed_name="Parent Example", relationship="parent",
                representative_authority="Mother with legal custody", now=now)


@pytest.mark.django_db
def test_a_parent_signature_for_a_child_ends_on_the_childs_18th_birthday(authorization_text):
    birthday = timezone.localdate() + timedelta(days=30)
    child = make_patient(full_name="Kid Example", birth_date=turns_18_on(birthday))
    authorization = parent_signs(child)
    assert authorization.expires_at == timezone.make_aware(datetime.combine(birthday, time.min))
    assert authorization.verify()
    assert authorization.is_valid()


@pytest.mark.django_db
def test_once_the_child_turns_18_nobody_sees_them_and_they_are_asked_to_sign_for_themself(
    client, coordinator_client, lung_trial, django_capture_on_commit_callbacks
):
    birthday = timezone.localdate() - timedelta(days=2)
    patient = make_patient(full_name="Kid Example", birth_date=turns_18_on(birthday),
                           today=birthday - timedelta(days=60))
    parent_signs(patient, now=timezone.now() - timedelta(days=40))
    match = matched_while_valid(patient, lung_trial)
    assert_sees_nothing(coordinator_client, match)

    with django_capture_on_commit_callbacks(execute=True):
        sweep_lapsed_authorizations.delay()
    assert Lapse.objects.get().reason == Lapse.Reason.CAME_OF_AGE
    assert "turned 18" in match.events.get(kind=MatchEvent.Kind.SYSTEM).note
    assert "18" in mail.outbox[0].body and "yourself" in mail.outbox[0].body
    page = client.get(f"/status/{patient.status_token()}/").content.decode()
    assert "You have turned 18" in page
    form = client.get(f"/status/{patient.status_token()}/authorization/sign/").content.decode()
    assert 'value="self"' in form

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/status/{patient.status_token()}/authorization/sign/",
                    sign_form(AuthorizationText.objects.current(), signed_name="Kid Example"))
    assert Authorization.objects.filter(patient=patient, signer_relationship="self").exists()
    assert staff_sees(coordinator_client, Match.objects.get(pk=match.pk))["queue"]


@pytest.mark.django_db
def test_the_age_comes_from_the_birth_date_not_the_flag_set_at_intake(authorization_text):
    birthday = timezone.localdate() - timedelta(days=1)
    # Seventeen when they filled the intake, eighteen when they sign: they sign for themself.
    grown = make_patient(birth_date=turns_18_on(birthday), today=birthday - timedelta(days=5))
    assert grown.is_minor
    assert sign(grown).signer_relationship == "self"
    # Flagged an adult, but the birth date says sixteen: a parent must sign.
    young = make_patient(birth_date=date(timezone.localdate().year - 16, 1, 1))
    young.__class__.objects.filter(pk=young.pk).update(is_minor=False)
    young.refresh_from_db()
    with pytest.raises(ConsentError):
        sign(young)


@pytest.mark.django_db
def test_the_sign_form_follows_the_birth_date_too(client, authorization_text):
    from .conftest import start_signing

    young = make_patient(birth_date=date(timezone.localdate().year - 16, 1, 1))
    young.__class__.objects.filter(pk=young.pk).update(is_minor=False)
    start_signing(client, young)
    page = client.get("/authorize/").content.decode()
    assert 'value="self"' not in page and "a parent or legal guardian signs for them" in page


def test_the_beat_runs_the_lapse_sweep_on_the_bulk_queue(settings):
    from config.celery import app

    entries = [entry for entry in app.conf.beat_schedule.values()
               if entry["task"] == "consent.tasks.sweep_lapsed_authorizations"]
    assert len(entries) == 1
    assert sweep_lapsed_authorizations.name in app.tasks
    assert settings.CELERY_TASK_ROUTES[sweep_lapsed_authorizations.name] == {"queue": "bulk"}


@pytest.mark.django_db
def test_the_admin_shows_why_an_authorization_ended(client, admin_user, lung_patient, lung_trial):
    authorization = expired_yesterday(lung_patient)
    record_lapses()
    client.force_login(admin_user)
    page = client.get(f"/admin/consent/authorization/{authorization.pk}/change/").content.decode()
    assert "Expired" in page and "Patient told at" in page
