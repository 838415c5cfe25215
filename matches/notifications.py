"""The new-match digest: each trial team hears once about its new eligible and urgent matches; the safety
team hears once about each patient flagged urgent, whatever trials they matched.

The email carries counts and links, never a name, a diagnosis or an answer: it travels through mail
servers we do not control, and the coordinator opens the match behind the sign-in to see the rest.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from intake.models import Patient
from trials.models import TrialTeam

from .models import Match, team_zone
from .services.selectors import consented_patients

log = logging.getLogger(__name__)


def team_recipients(team):
    if team.digest_email:
        return [team.digest_email]
    return sorted({m.email for m in team.members.filter(is_active=True) if m.email})


def _claim(match_ids, now):
    """Mark matches notified, one conditional update each; return the ids this run won.

    Two workers building the same digest each try the same rows; a row goes to whoever updates it first
    (PostgreSQL re-checks `notified_at IS NULL` after the first commits), so no match is mailed twice.
    """
    return [
        pk for pk in match_ids
        if Match.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=now) == 1
    ]


def send_team_digest(team_id, *, now=None):
    """Claim the team's unannounced matches and send one email about them; return how many it announced.

    Claim and send share one transaction: if the mail server refuses, the claim rolls back and the next
    run tries again; a second worker waits on the claimed rows and then finds nothing left to send.
    """
    now = now or timezone.now()
    team = TrialTeam.objects.filter(pk=team_id).first()
    if team is None:
        return 0
    recipients = team_recipients(team)
    if not recipients:
        return 0
    with transaction.atomic():
        candidate_ids = list(
            Match.objects.awaiting_digest().filter(trial__team=team).order_by("pk").values_list("pk", flat=True)
        )
        won = _claim(candidate_ids, now)
        if not won:
            return 0
        matches = list(
            Match.objects.filter(pk__in=won).select_related("trial").order_by("-urgent", "-score", "pk")
        )
        _digest_email(team, matches, recipients).send()
    log.info("digest sent team=%s matches=%s", team_id, len(won))
    return len(won)


def _digest_email(team, matches, recipients):
    site_url = settings.SITE_URL.rstrip("/")
    per_trial = defaultdict(lambda: {"eligible": 0, "urgent": 0, "total": 0})
    for match in matches:
        counts = per_trial[match.trial.ref]
        counts["total"] += 1
        counts["eligible"] += match.verdict == "eligible"
        counts["urgent"] += match.urgent
    context = {
        "team": team,
        "total": len(matches),
        "urgent": sum(m.urgent for m in matches),
        "trials": sorted(per_trial.items()),
        # Links only: the page behind each asks for a sign-in and shows the rest.
        "links": [site_url + reverse("matches:detail", args=[m.pk]) for m in matches],
        "queue_url": site_url + reverse("matches:queue") + "?status=new",
        "first_matched": min(m.first_matched_at for m in matches),
        "last_matched": max(m.first_matched_at for m in matches),
    }
    # Times read as the team's own clock, the zone named beside them.
    with timezone.override(team_zone(team)):
        context["zone_name"] = timezone.get_current_timezone_name()
        subject = render_to_string("emails/digest_subject.txt", context).strip()
        body = render_to_string("emails/digest_body.txt", context)
        html = render_to_string("emails/digest_body.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
    )
    email.attach_alternative(html, "text/html")
    return email


def teams_with_news():
    return list(
        Match.objects.awaiting_digest().filter(trial__team__isnull=False)
        .order_by().values_list("trial__team", flat=True).distinct()
    )


def send_safety_alert(*, now=None):
    """Claim the urgent patients the safety team has not heard about and send its members one email; return how many.

    Only patients whose authorization holds count, as in the urgent view the email links to; one who signs later
    is announced by the next run. Claims and send share one transaction, as in the team digest.
    """
    now = now or timezone.now()
    team = TrialTeam.objects.safety_team()
    recipients = team_recipients(team) if team else []
    if not recipients:
        return 0
    with transaction.atomic():
        candidate_ids = list(
            consented_patients(now).filter(urgent=True, safety_notified_at__isnull=True)
            .order_by("pk").values_list("pk", flat=True)
        )
        won = [pk for pk in candidate_ids
               if Patient.objects.filter(pk=pk, safety_notified_at__isnull=True).update(safety_notified_at=now) == 1]
        if not won:
            return 0
        context = {"team": team, "total": len(won),
                   "urgent_url": settings.SITE_URL.rstrip("/") + reverse("matches:urgent")}
        subject = render_to_string("emails/safety_subject.txt", context)
        body = render_to_string("emails/safety_body.txt", context)
        EmailMultiAlternatives(subject=" ".join(subject.split()), body=body,
                               from_email=settings.DEFAULT_FROM_EMAIL, to=recipients).send()
    log.info("safety alert sent patients=%s", len(won))
    return len(won)
