"""The coordinators' queue: who is waiting for what, its bulk moves and assignments, "save and next", the export."""

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consent.models import AccessLog
from consent.services import log_access
from trials.vocabulary import load_vocabulary

from .. import services
from ..filters import QueueFilter
from ..forms import AssignForm, BulkStatusForm
from ..models import Match, MatchEvent, Status
from ..questions import question_label
from .coordinator import _safe_next, coordinator_required, language

PAGE_SIZE = 25
# "Save and next" walks the queue as it was listed, from the page the coordinator was on, this far at most.
PASS_LENGTH = 500


def _queue_base(user):
    return Match.objects.for_user(user).in_queue()


def _queue_matches_for(user):
    return (_queue_base(user)
            .select_related("patient", "trial", "trial__team", "nearest_site", "owner").with_last_contact())


def _filtered(request, data):
    return QueueFilter(data or None, queryset=_queue_matches_for(request.user), user=request.user)


def _colleagues(user):
    """Who the queue's bulk "assign" offers: the active members of the user's teams."""
    return get_user_model().objects.filter(is_active=True, trial_teams__in=user.trial_teams.all()).distinct() \
        .order_by("username")


def _describe(rows, today):
    """What a row says about its patient, worked out once per page: age, condition in words, days waiting."""
    vocabulary, lang = load_vocabulary(), language()
    for match in rows:
        match.age = match.patient.age_on(today)
        match.condition_label = vocabulary.label(match.patient.condition_code, lang)
        match.title = match.trial.localized_title(lang)
        match.waiting = match.days_waiting()
    return rows


@coordinator_required
def queue(request):
    counts = dict(_queue_base(request.user).order_by().values_list("status").annotate(n=Count("pk")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices if value != "withdrawn"]
    queue_filter = _filtered(request, request.GET)
    page = Paginator(queue_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _describe(list(page), timezone.localdate())
    # Names, ages and conditions are patient details: every patient listed is in the access log, in one insert.
    AccessLog.objects.bulk_create([
        AccessLog(user=request.user, patient=m.patient, action="view queue", reason=f"screening for {m.trial.ref}",
                  path=request.path) for m in rows
    ])
    bulk_form = BulkStatusForm(match_ids=[m.pk for m in rows], from_statuses=sorted({m.status for m in rows}))
    query = request.GET.copy()
    query.pop("page", None)
    select_page = query.pop("select", None) is not None  # "All" ticks the page's boxes with no script
    without_select = query.copy()
    if page.number > 1:
        without_select["page"] = page.number
    offset = (page.number - 1) * PAGE_SIZE
    listed = queue_filter.qs.values_list("pk", flat=True)[offset:offset + PASS_LENGTH]
    request.session["queue_pass"] = {"queue": query.urlencode(), "pks": list(listed)}
    return render(request, "matches/queue.html", {
        "filter": queue_filter, "page": page, "rows": rows,
        "status_counts": status_counts,
        "total": sum(counts.values()), "bulk_form": bulk_form, "query": query.urlencode(),
        "detail_query": urlencode({"queue": query.urlencode()}) if query else "",
        "assign_form": AssignForm(owners=_colleagues(request.user)),
        "select_page": select_page, "query_without_select": without_select.urlencode(),
        "zone_name": timezone.get_current_timezone_name(),
    })


def _next_after(request, current_pk, queue_query):
    """The match after `current_pk` in the queue as it was last listed with this filter and order, skipping any
    that has since left it; without such a listing, the first match of the filter other than the current one."""
    filtered = _filtered(request, QueryDict(queue_query)).qs
    listed = request.session.get("queue_pass") or {}
    pks = listed.get("pks", []) if listed.get("queue") == queue_query else []
    if current_pk in pks:
        rest = pks[pks.index(current_pk) + 1:]
        for start in range(0, len(rest), PAGE_SIZE):
            chunk = rest[start:start + PAGE_SIZE]
            still = set(filtered.filter(pk__in=chunk).values_list("pk", flat=True))
            found = next((pk for pk in chunk if pk in still), None)
            if found is not None:
                return found
        return None
    return filtered.exclude(pk=current_pk).values_list("pk", flat=True).first()


@coordinator_required
def next_match(request):
    """Open the next match of the coordinator's queue (after a "save and next"), or the queue when none is left."""
    queue_query = request.GET.get("queue", "")[:1000]
    after = request.GET.get("after", "")
    found = _next_after(request, int(after), queue_query) if after.isdigit() else None
    if found is None:
        messages.info(request, _("That was the last match of this list."))
        return redirect(f"{reverse('matches:queue')}?{queue_query}" if queue_query else reverse("matches:queue"))
    url = reverse("matches:detail", args=[found])
    return redirect(f"{url}?{urlencode({'queue': queue_query})}" if queue_query else url)


def _selected(request):
    requested = {int(pk) for pk in request.POST.getlist("match") if pk.isdigit()}
    selected = list(_queue_matches_for(request.user).filter(pk__in=requested))
    if len(selected) != len(requested):
        raise Http404  # a match outside the user's teams, or gone from the queue: never say which
    return requested, selected


@coordinator_required
@require_POST
def bulk_status(request):
    requested, selected = _selected(request)
    back = _safe_next(request, reverse("matches:queue"))
    form = BulkStatusForm(request.POST, match_ids=sorted(requested),
                          from_statuses=sorted({m.status for m in selected}))
    if not requested or not form.is_valid():
        messages.error(request, _("Select at least one match and a status to move them to."))
        return redirect(back)
    status = form.cleaned_data["status"]
    try:
        moved = Match.objects.filter(pk__in=requested).move_all_to(status, by=request.user,
                                                                   note=form.cleaned_data["note"])
    except ValueError:
        messages.error(request, _("Not every selected match can move to %(status)s; nothing was changed.")
                       % {"status": Status(status).label})
    else:
        messages.success(request, _("Moved %(count)s to %(status)s.") % {"count": len(moved),
                                                                          "status": Status(status).label})
    return redirect(back)


@coordinator_required
@require_POST
def bulk_assign(request):
    requested, selected = _selected(request)
    back = _safe_next(request, reverse("matches:queue"))
    form = AssignForm(request.POST, owners=_colleagues(request.user))
    if not requested or not form.is_valid():
        messages.error(request, _("Select at least one match and who should own them."))
        return redirect(back)
    owner = form.cleaned_data["owner"]
    try:
        services.assign_matches(match_ids=requested, owner=owner, by=request.user)
    except services.OwnershipError:
        messages.error(request, _("%(owner)s is not on the team of every selected match; nothing was changed.")
                       % {"owner": owner.get_full_name() or owner})
    else:
        messages.success(request, _("%(count)s now owned by %(owner)s.") % {
            "count": len(requested), "owner": (owner.get_full_name() or owner) if owner else _("nobody")})
    return redirect(back)


EXPORT_COLUMNS = [
    "Exported on", "Match ID", "Patient reference", "Name", "Email", "Phone", "Preferred language", "Age", "Sex",
    "ZIP", "Minor", "Condition", "Trial", "Trial title", "Nearest site", "Distance (mi)", "Verdict", "Urgent",
    "Status", "Status changed", "Days waiting", "Owner", "Matched on", "Matched because", "Last contact",
    "Last contact outcome", "Open questions", "Time zone",
]


def _cell(value):
    """Spreadsheets run cells that start with =, +, - or @ as formulas; a typed name must never run."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(value, zone, fmt):
    return timezone.localtime(value, zone).strftime(fmt) if value else ""


@coordinator_required
def export_csv(request):
    rows = _describe(list(_filtered(request, request.GET).qs), timezone.localdate())
    today = timezone.localdate()
    for match in rows:
        log_access(user=request.user, patient=match.patient, action="export queue csv",
                   reason=f"screening log for {match.trial.ref}", path=request.path)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trialbridge-queue-{today:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 (accented names) only with a byte-order mark
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    outcomes = dict(MatchEvent.ContactOutcome.choices)
    for m in rows:
        patient, zone = m.patient, m.time_zone  # each row's times in its own team's zone, named in the last column
        writer.writerow([_cell(v) for v in (
            today.isoformat(), m.pk, patient.reference, patient.full_name, patient.email, patient.phone,
            patient.language, m.age, patient.get_sex_display(), patient.postal_code,
            "yes" if m.age < 18 else "no", m.condition_label, m.trial.ref, m.title, m.nearest_site or "",
            "" if m.nearest_site_km is None else f"{m.nearest_site_miles:.0f}", m.get_verdict_display(),
            "yes" if m.urgent else "no", m.get_status_display(),
            _local(m.status_changed_at, zone, "%Y-%m-%d %H:%M"), "" if m.waiting is None else m.waiting,
            (m.owner.get_full_name() or m.owner.username) if m.owner else "",
            _local(m.first_matched_at, zone, "%Y-%m-%d"), m.get_trigger_display(),
            _local(m.last_contact_at, zone, "%Y-%m-%d %H:%M"),
            outcomes.get(m.last_contact_outcome, ""), "; ".join(question_label(key) for key in m.questions), zone,
        )])
    return response
