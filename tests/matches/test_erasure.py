"""An erasure request also removes the health facts that matching copied into matches and notes."""

import pytest

from consent.services import erase_patient
from matches.models import Match, MatchEvent, Status
from tests.conftest import sign


@pytest.mark.django_db
def test_erasing_a_patient_scrubs_their_match_reasons_and_notes(lung_trial, lung_patient, onc_coordinator,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign(lung_patient)
    match = Match.objects.get(patient=lung_patient)
    assert match.reasons
    MatchEvent.objects.create(match=match, actor=onc_coordinator, kind=MatchEvent.Kind.NOTE, note="ECOG 1 per chart")

    erase_patient(patient=lung_patient, by=onc_coordinator)

    match.refresh_from_db()
    assert match.status == Status.WITHDRAWN
    assert match.reasons == [] and match.questions == []
    assert not MatchEvent.objects.filter(match=match, note__contains="ECOG").exists()
    assert MatchEvent.objects.filter(match=match, kind=MatchEvent.Kind.NOTE).exists()  # who and when stay
