"""Writes to matches outside a matching run: coordinators' status changes and notes, and the system's
withdrawals and scrubbing when a patient revokes or asks for erasure."""

import logging

from django.utils import timezone

from ..models import Match, MatchEvent, Status

log = logging.getLogger(__name__)


def withdraw_patient_matches(patient_id):
    """Take every match of a patient out of the queues, with an event each. Runs inside the revocation."""
    matches = list(Match.objects.filter(patient_id=patient_id).exclude(status=Status.WITHDRAWN))
    now = timezone.now()
    events = [
        MatchEvent(match=m, kind=MatchEvent.Kind.SYSTEM, from_status=m.status, to_status=Status.WITHDRAWN,
                   note="The patient revoked their authorization.", at=now)
        for m in matches
    ]
    Match.objects.filter(pk__in=[m.pk for m in matches]).update(status=Status.WITHDRAWN, status_changed_at=now)
    MatchEvent.objects.bulk_create(events)
    log.info("withdrew matches patient=%s count=%s", patient_id, len(matches))
    return len(matches)


def change_status(*, match, status, by, note=""):
    return match.move_to(status, by=by, note=note)


def add_note(*, match, by, note):
    return MatchEvent.objects.create(match=match, actor=by, kind=MatchEvent.Kind.NOTE, note=note)


def scrub_patient_matches(patient_id):
    """On an erasure request: drop the health facts copied into the patient's matches and notes.

    The rows stay (withdrawn, with their status history) so the record of who did what remains;
    what they said about the patient's health does not.
    """
    withdraw_patient_matches(patient_id)
    matches = Match.objects.filter(patient_id=patient_id)
    scrubbed = matches.update(reasons=[], questions=[])
    MatchEvent.objects.filter(match__patient_id=patient_id).exclude(note="").update(note="[erased on request]")
    log.info("scrubbed matches patient=%s count=%s", patient_id, scrubbed)
    return scrubbed
