"""What matching does when an authorization ends by itself: the same as a revocation, with the reason on each
match's event, so a coordinator reading the history knows why the patient left the queue."""

import logging

from django.utils import timezone

from consent.models import Lapse

from .models import Match, MatchEvent, Status

log = logging.getLogger(__name__)

# The event note for each Lapse.Reason, in the language of the coordinators' history (as the other system notes).
NOTES = {
    Lapse.Reason.EXPIRED: "The patient's authorization expired.",
    Lapse.Reason.SUPERSEDED: "A new version of the authorization must be signed; the patient has not signed it yet.",
    Lapse.Reason.CAME_OF_AGE: "The patient turned 18: the authorization their parent or guardian signed has ended.",
}


def withdraw_lapsed_matches(patient_id, reason):
    """Take every match of the patient out of the queues with an event saying why. Runs inside the sweep's
    transaction; signing again brings them back (matching reinstates withdrawn matches as new)."""
    matches = list(Match.objects.filter(patient_id=patient_id).exclude(status=Status.WITHDRAWN))
    now = timezone.now()
    Match.objects.filter(pk__in=[m.pk for m in matches]).update(status=Status.WITHDRAWN, status_changed_at=now)
    MatchEvent.objects.bulk_create([
        MatchEvent(match=m, kind=MatchEvent.Kind.SYSTEM, from_status=m.status, to_status=Status.WITHDRAWN,
                   note=NOTES[reason], at=now)
        for m in matches
    ])
    log.info("withdrew lapsed matches patient=%s reason=%s count=%s", patient_id, reason, len(matches))
    return len(matches)
