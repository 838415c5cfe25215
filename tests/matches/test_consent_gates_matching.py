"""Only a patient with a valid authorization is matched, whichever run reaches them: their own, or a trial's.

Each case puts a patient's consent in one state and runs both kinds of matching; what the database then holds
is the answer.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from consent.models import AuthorizationText
from consent.services import revoke_authorization
from intake.models import Patient
from matches import services
from matches.models import Match
from tests.conftest import make_patient, sign
from tests.consent.conftest import publish_new_version
from trials.models import Trial

pytestmark = pytest.mark.django_db


def matched_by_either_run(patient, trial):
    """(matched by match_patient, matched by match_trial), each starting from no match at all."""
    services.match_patient(patient.pk)
    by_patient = Match.objects.filter(patient=patient).exists()
    Match.objects.filter(patient=patient).delete()
    services.match_trial(trial.pk)
    by_trial = Match.objects.filter(patient=patient).exists()
    Match.objects.filter(patient=patient).delete()
    return by_patient, by_trial


def test_a_patient_who_never_signed_is_never_matched(lung_trial):
    assert matched_by_either_run(make_patient(), lung_trial) == (False, False)


def test_a_patient_who_signed_is_matched(lung_trial):
    patient = make_patient()
    sign(patient)
    assert matched_by_either_run(patient, lung_trial) == (True, True)


def test_a_revoked_patient_is_never_matched(lung_trial):
    patient = make_patient()
    sign(patient)
    revoke_authorization(patient=patient)
    assert matched_by_either_run(patient, lung_trial) == (False, False)


def test_an_expired_authorization_stops_matching_from_the_moment_it_expires(lung_trial, monkeypatch):
    patient = make_patient()
    authorization = sign(patient)
    # Years later the trial's recruiting status would be stale too: the registry confirmed it again that day.
    Trial.objects.filter(pk=lung_trial.pk).update(status_checked_on=authorization.expires_at.date())
    monkeypatch.setattr(timezone, "now", lambda: authorization.expires_at - timedelta(seconds=1))
    assert matched_by_either_run(patient, lung_trial) == (True, True)
    monkeypatch.setattr(timezone, "now", lambda: authorization.expires_at)
    assert matched_by_either_run(patient, lung_trial) == (False, False)


def test_a_version_requiring_reconsent_stops_matching_until_the_patient_signs_it(lung_trial):
    patient = make_patient()
    sign(patient)
    publish_new_version(requires_reconsent=True)
    assert matched_by_either_run(patient, lung_trial) == (False, False)
    sign(patient, text=AuthorizationText.objects.current())
    assert matched_by_either_run(patient, lung_trial) == (True, True)


def test_a_new_version_without_reconsent_or_a_draft_that_would_require_it_changes_nothing(lung_trial):
    patient = make_patient()
    sign(patient)
    publish_new_version(requires_reconsent=False)
    AuthorizationText.objects.create(version=99, title_en="Draft", title_es="Borrador", body_en="x", body_es="x",
                                     requires_reconsent=True)
    assert matched_by_either_run(patient, lung_trial) == (True, True)


def test_retiring_a_reconsent_version_does_not_revive_what_it_superseded(lung_trial):
    patient = make_patient()
    sign(patient)
    text = publish_new_version(requires_reconsent=True)
    AuthorizationText.objects.filter(pk=text.pk).update(status=AuthorizationText.Status.RETIRED)
    assert matched_by_either_run(patient, lung_trial) == (False, False)


def test_signing_again_after_revoking_counts(lung_trial):
    patient = make_patient()
    sign(patient)
    revoke_authorization(patient=patient)
    sign(patient)
    assert matched_by_either_run(patient, lung_trial) == (True, True)


def test_an_erased_patient_is_never_matched_even_with_an_open_authorization(lung_trial):
    patient = make_patient()
    sign(patient)
    Patient.objects.filter(pk=patient.pk).update(erased_at=timezone.now())
    assert matched_by_either_run(patient, lung_trial) == (False, False)
