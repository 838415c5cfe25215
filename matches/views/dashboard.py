"""The admins' dashboard: how many people, authorizations and matches, the funnel per trial, and job health."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django_otp import user_has_device

from consent.models import Authorization
from intake.models import Patient
from intake.retention import unsigned_intake_counts
from trials.models import Trial, TrialTeam

from ..models import Match, MatchEvent, Status, TaskFailure, TaskHeartbeat
from ..services import consented_patients, stale_patients

log = logging.getLogger(__name__)

# The funnel's stages, in order; a match counts at a stage once any status change took it there.
FUNNEL = [Status.REVIEWING, Status.ELIGIBLE, Status.CONTACTED, Status.SCREENING, Status.ENROLLED]


def _authorization_counts(now):
    valid = Authorization.objects.valid(now).count()
    revoked = Authorization.objects.filter(revocation__isnull=False).count()
    total = Authorization.objects.count()
    expired = Authorization.objects.filter(revocation__isnull=True, expires_at__lte=now).count()
    return {"total": total, "valid": valid, "revoked": revoked, "expired": expired,
            "superseded": total - valid - revoked - expired}


def _funnel():
    reached = {
        stage: Count("pk", distinct=True, filter=Q(events__kind=MatchEvent.Kind.STATUS, events__to_status=stage))
        for stage in FUNNEL
    }
    rows = (
        Trial.objects.annotate(matched=Count("matches", distinct=True,
                                             filter=~Q(matches__verdict="not_eligible")))
        .filter(matched__gt=0).order_by("ref").values("pk", "ref", "title", "matched")
    )
    by_trial = {row["pk"]: row for row in rows}
    stage_counts = (
        Match.objects.filter(trial__in=list(by_trial)).exclude(verdict="not_eligible")
        .values("trial").annotate(**reached).order_by()
    )
    for counts in stage_counts:
        by_trial[counts.pop("trial")].update(counts)
    return [{"pk": row["pk"], "ref": row["ref"], "title": row["title"], "matched": row["matched"],
             "stages": [(s, row.get(s, 0)) for s in FUNNEL]}
            for row in by_trial.values()]


def unowned_trials_with_matches():
    """Trials no coordinator works whose matches wait in no queue: the admin gives them a team or a rule."""
    waiting = Match.objects.in_queue()
    return list(
        Trial.objects.unowned().filter(pk__in=waiting.values("trial_id"))
        .annotate(waiting=Count("matches", filter=Q(matches__in=waiting), distinct=True),
                  urgent=Count("matches", filter=Q(matches__in=waiting.filter(urgent=True)), distinct=True))
        .select_related("team").order_by("-urgent", "-waiting", "ref")[:100]
    )


def _safety_team():
    team = TrialTeam.objects.safety_team()
    return {"name": settings.SAFETY_TEAM_NAME, "team": team,
            "members": team.members.filter(is_active=True).count() if team else 0}


def broker_queue_lengths():
    """Messages waiting per queue when the broker is Redis; None when there is no broker to ask."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    queues = {settings.CELERY_TASK_DEFAULT_QUEUE} | {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()}
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        return {name: client.llen(name) for name in sorted(queues)}
    except redis.RedisError:
        log.warning("dashboard could not reach the broker")
        return {"unreachable": None}


@login_required
def dashboard(request):
    if not request.user.is_superuser or (user_has_device(request.user) and not request.user.is_verified()):
        raise Http404
    now = timezone.now()
    status_counts = dict(Match.objects.order_by().values_list("status").annotate(n=Count("pk")))
    heartbeats = {h.task_name: h.last_success_at for h in TaskHeartbeat.objects.all()}
    return render(request, "matches/dashboard.html", {
        "patients": {
            "total": Patient.objects.count(),
            "active": Patient.objects.active().count(),
            "consented": consented_patients(now).count(),
            "urgent": Patient.objects.active().filter(urgent=True).count(),
            "unsigned": unsigned_intake_counts(now),
        },
        "authorizations": _authorization_counts(now),
        "match_statuses": [(value, label, status_counts.get(value, 0)) for value, label in Status.choices],
        "match_total": sum(status_counts.values()),
        "funnel_stages": [Status(s).label for s in FUNNEL],
        "funnel": _funnel(),
        "last_sweep": heartbeats.get("matches.tasks.sweep"),
        "last_digest": heartbeats.get("matches.tasks.send_digests"),
        "stale_patients": stale_patients().count(),
        "queue_lengths": broker_queue_lengths(),
        "failures_last_day": TaskFailure.objects.filter(failed_at__gte=now - timedelta(days=1)).count(),
        "failures_since": now - timedelta(days=1),
        "recent_failures": TaskFailure.objects.all()[:20],
        "unowned": unowned_trials_with_matches(),
        "safety": _safety_team(),
        "unsigned_days": settings.UNSIGNED_INTAKE_DAYS,
    })
