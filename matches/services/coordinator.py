"""Writes to matches outside a matching run: coordinators' status changes, notes and ownership, what a
patient's new answers do to their open matches, and the system's withdrawals and scrubbing when a patient
revokes or asks for erasure."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
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


def change_status(*, match, status, by, note="", questions=()):
    return match.move_to(status, by=by, note=note, questions=questions)


class OwnershipError(ValueError):
    pass


def possible_owners(trial):
    """Who may own a match of this trial: the active coordinators of its team."""
    if trial.team_id is None:
        return get_user_model().objects.none()
    return trial.team.members.filter(is_active=True).order_by("username")


def assign_matches(*, match_ids, owner, by):
    """Give every match to `owner` (None: to nobody), all or none, with an event each.

    The owner must be an active coordinator of each match's trial team; matches they already own are left
    alone (no event), so assigning twice records nothing new.
    """
    with transaction.atomic():
        matches = list(Match.objects.filter(pk__in=match_ids).select_related("trial").select_for_update(
            of=("self",)).order_by("pk"))
        if owner is not None:
            teams = {m.trial.team_id for m in matches}
            allowed = set(owner.trial_teams.filter(pk__in=teams).values_list("pk", flat=True)) if owner.is_active \
                else set()
            if None in teams or teams - allowed:
                raise OwnershipError(f"{owner} is not on the team of every selected match")
        changed = [m for m in matches if m.owner_id != (owner.pk if owner else None)]
        Match.objects.filter(pk__in=[m.pk for m in changed]).update(owner=owner)
        now = timezone.now()
        MatchEvent.objects.bulk_create([
            MatchEvent(match=m, actor=by, kind=MatchEvent.Kind.ASSIGNED, assignee=owner, at=now) for m in changed
        ])
    log.info("assigned matches count=%s", len(changed))
    return len(changed)


def note_new_information(patient_id):
    """The patient changed their answers: each open match says so in its history and rises in the queue with a
    "new information" badge until a coordinator opens it. Runs inside the transaction that saved the answers;
    the re-match itself runs in the background after it commits."""
    matches = list(Match.objects.filter(patient_id=patient_id).open().values_list("pk", flat=True))
    now = timezone.now()
    Match.objects.filter(pk__in=matches).update(new_information=True)
    MatchEvent.objects.bulk_create([
        MatchEvent(match_id=pk, kind=MatchEvent.Kind.ANSWERS, at=now) for pk in matches
    ])
    log.info("new information patient=%s matches=%s", patient_id, len(matches))
    return len(matches)


def add_note(*, match, by, note):
    return MatchEvent.objects.create(match=match, actor=by, kind=MatchEvent.Kind.NOTE, note=note)


def scrub_patient_matches(patient_id):
    """On an erasure request: drop the health facts copied into the patient's matches and notes.

    The rows stay (withdrawn, with their status history) so the record of who did what remains;
    what they said about the patient's health does not.
    """
    withdraw_patient_matches(patient_id)
    matches = Match.objects.filter(patient_id=patient_id)
    scrubbed = matches.update(reasons=[], questions=[], requested_questions=[])
    MatchEvent.objects.filter(match__patient_id=patient_id).exclude(note="").update(note="[erased on request]")
    MatchEvent.objects.filter(match__patient_id=patient_id).exclude(questions=[]).update(questions=[])
    log.info("scrubbed matches patient=%s count=%s", patient_id, scrubbed)
    return scrubbed
