"""The coordinators' workspace. Every match is reached through _get_match_for, which 404s outside the user's teams."""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from consent.models import Authorization
from consent.services import log_access
from trials.vocabulary import load_vocabulary

from .. import services
from ..filters import QueueFilter
from ..forms import BulkStatusForm, ContactForm, NoteForm, StatusChangeForm
from ..models import Match, MatchEvent, Status

PAGE_SIZE = 25


def _is_coordinator(user):
    return user.is_authenticated and (user.is_superuser or user.trial_teams.exists())


def coordinator_required(view):
    """Signed in (and past the second factor when they set one up), and on a team: else login or 404."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if user_has_device(request.user) and not request.user.is_verified():
            return redirect_to_login(request.get_full_path(), reverse("matches:two_factor_verify"))
        if not _is_coordinator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _get_match_for(user, pk):
    if not _is_coordinator(user):
        raise Http404
    match = (
        Match.objects.for_user(user).in_queue().select_related("patient", "trial", "nearest_site").filter(pk=pk).first()
    )
    if match is None:
        raise Http404
    return match


def _queue_matches_for(user):
    return Match.objects.for_user(user).in_queue().select_related("patient", "trial", "nearest_site")


def _latest_authorization(patient):
    return Authorization.objects.filter(patient=patient).select_related("text", "revocation").order_by(
        "-signed_at").first()


def _safe_next(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@coordinator_required
def queue(request):
    matches = _queue_matches_for(request.user)
    counts = dict(matches.order_by().values_list("status").annotate(n=Count("pk")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices if value != "withdrawn"]
    queue_filter = QueueFilter(request.GET or None, queryset=matches, user=request.user)
    page = Paginator(queue_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    bulk_form = BulkStatusForm(match_ids=[m.pk for m in rows], from_statuses=sorted({m.status for m in rows}))
    query = request.GET.copy()
    query.pop("page", None)
    select_page = query.pop("select", None) is not None  # "All" ticks the page's boxes with no script
    without_select = query.copy()
    if page.number > 1:
        without_select["page"] = page.number
    return render(request, "matches/queue.html", {
        "filter": queue_filter, "page": page, "rows": rows,
        "status_counts": status_counts,
        "total": sum(counts.values()), "bulk_form": bulk_form, "query": query.urlencode(),
        "select_page": select_page, "query_without_select": without_select.urlencode(),
    })


@coordinator_required
@require_POST
def bulk_status(request):
    requested = {int(pk) for pk in request.POST.getlist("match") if pk.isdigit()}
    selected = _queue_matches_for(request.user).filter(pk__in=requested)
    back = _safe_next(request, reverse("matches:queue"))
    if len(selected) != len(requested):
        raise Http404  # a match outside the user's teams, or gone from the queue: never say which
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


EXPORT_COLUMNS = [
    "Exported on", "Match ID", "Patient reference", "Name", "Email", "Phone", "Preferred language", "Age", "Sex",
    "ZIP", "Minor", "Trial", "Nearest site", "Distance (mi)", "Verdict", "Score", "Urgent", "Status",
    "Status changed", "Matched on", "Matched because", "Last contact", "Last contact outcome", "Open questions",
]


def _cell(value):
    """Spreadsheets run cells that start with =, +, - or @ as formulas; a typed name must never run."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@coordinator_required
def export_csv(request):
    contacts = MatchEvent.objects.filter(match=OuterRef("pk"), kind=MatchEvent.Kind.CONTACT).order_by("-at", "-pk")
    matches = _queue_matches_for(request.user).annotate(
        last_contact_at=Subquery(contacts.values("at")[:1]),
        last_contact_outcome=Subquery(contacts.values("contact_outcome")[:1]),
    )
    rows = list(QueueFilter(request.GET or None, queryset=matches, user=request.user).qs)
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
        patient = m.patient
        writer.writerow([_cell(v) for v in (
            today.isoformat(), m.pk, patient.reference, patient.full_name, patient.email, patient.phone,
            patient.language, patient.age_on(today), patient.get_sex_display(), patient.postal_code,
            "yes" if patient.is_minor else "no", m.trial.ref, m.nearest_site or "",
            "" if m.nearest_site_km is None else f"{m.nearest_site_miles:.0f}", m.get_verdict_display(),
            f"{m.score:.2f}", "yes" if m.urgent else "no", m.get_status_display(),
            timezone.localtime(m.status_changed_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(m.first_matched_at).strftime("%Y-%m-%d"), m.get_trigger_display(),
            timezone.localtime(m.last_contact_at).strftime("%Y-%m-%d %H:%M") if m.last_contact_at else "",
            outcomes.get(m.last_contact_outcome, ""), "; ".join(m.questions),
        )])
    return response


@coordinator_required
def detail(request, pk):
    match = _get_match_for(request.user, pk)
    log_access(user=request.user, patient=match.patient, action="view match detail",
               reason=f"screening for {match.trial.ref}", path=request.path)
    authorization = _latest_authorization(match.patient)
    vocabulary = load_vocabulary()
    events = list(match.events.select_related("actor"))
    reasons = match.reason_sentences()
    return render(request, "matches/detail.html", {
        "match": match,
        "reasons": reasons,
        "patient": match.patient,
        "age": match.patient.age_on(),
        "condition_label": vocabulary.label(match.patient.condition_code, "en"),
        "authorization": authorization,
        "authorization_valid": authorization.is_valid() if authorization else False,
        "events": events,
        "contacts": [e for e in events if e.kind == MatchEvent.Kind.CONTACT],
        "notes": [e for e in events if e.kind == MatchEvent.Kind.NOTE or (e.note and e.kind == MatchEvent.Kind.STATUS)],
        "reason_counts": {o: sum(1 for r in reasons if r["outcome"] == o) for o in ("met", "not_met", "unknown")},
        "status_form": StatusChangeForm(match=match),
        "note_form": NoteForm(),
        "contact_form": ContactForm(match=match),
    })


@coordinator_required
def authorization_copy(request, pk):
    """The signed authorization exactly as the patient saw it, for the coordinator's records."""
    match = _get_match_for(request.user, pk)
    authorization = _latest_authorization(match.patient)
    if authorization is None:
        raise Http404
    log_access(user=request.user, patient=match.patient, action="view signed authorization",
               reason=f"consent check for {match.trial.ref}", path=request.path)
    return render(request, "matches/coordinator_authorization.html", {
        "match": match, "authorization": authorization, "verified": authorization.verify(),
        "valid": authorization.is_valid(),
    })


@coordinator_required
@require_POST
def change_status(request, pk):
    match = _get_match_for(request.user, pk)
    form = StatusChangeForm(request.POST, match=match)
    if form.is_valid():
        services.change_status(match=match, status=form.cleaned_data["status"], by=request.user,
                               note=form.cleaned_data["note"])
        messages.success(request, _("Moved to %(status)s.") % {"status": Status(form.cleaned_data["status"]).label})
    else:
        messages.error(request, _("That status change is not allowed from here."))
    return redirect("matches:detail", pk=match.pk)


@coordinator_required
@require_POST
def add_note(request, pk):
    match = _get_match_for(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(match=match, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Note saved."))
    else:
        messages.error(request, _("A note cannot be empty."))
    return redirect("matches:detail", pk=match.pk)


@coordinator_required
@require_POST
def log_contact(request, pk):
    match = _get_match_for(request.user, pk)
    form = ContactForm(request.POST, match=match)
    if not form.is_valid():
        messages.error(request, _("The contact was not saved: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
        return redirect("matches:detail", pk=match.pk)
    data = form.cleaned_data
    with transaction.atomic():
        match.log_contact(by=request.user, method=data["method"], outcome=data["outcome"], note=data["note"],
                          at=data["at"])
        if data.get("mark_contacted"):
            services.change_status(match=match, status=Status.CONTACTED, by=request.user)
    messages.success(request, _("Contact logged."))
    return redirect("matches:detail", pk=match.pk)
