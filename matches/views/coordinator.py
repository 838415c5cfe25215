"""One match, for the coordinators of its trial's team. Every match is reached through _get_match_for, which
404s outside the user's teams; the queue, its bulk actions and the export live in queue.py."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from consent.models import Authorization
from consent.services import log_access
from trials.vocabulary import load_vocabulary

from .. import services
from ..forms import AssignForm, ContactForm, NoteForm, StatusChangeForm
from ..models import Match, MatchEvent, Status, team_zone


def _is_coordinator(user):
    return user.is_authenticated and (user.is_superuser or user.trial_teams.exists())


def coordinator_zone(user):
    """The time zone a coordinator's pages speak: their team's (the first by name); the site's for an admin
    on no team. A single match's page speaks its own team's."""
    team = user.trial_teams.order_by("name").first()
    return team_zone(team)


def coordinator_required(view):
    """Signed in (and past the second factor when they set one up), and on a team: else login or 404.

    The page is worked out in the coordinator's time zone (dates typed in filters, times shown)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if user_has_device(request.user) and not request.user.is_verified():
            return redirect_to_login(request.get_full_path(), reverse("matches:two_factor_verify"))
        if not _is_coordinator(request.user):
            raise Http404
        with timezone.override(coordinator_zone(request.user)):
            return view(request, *args, **kwargs)

    return wrapper


def _get_match_for(user, pk):
    if not _is_coordinator(user):
        raise Http404
    match = (
        Match.objects.for_user(user).in_queue().select_related("patient", "trial", "trial__team", "nearest_site",
                                                               "owner").filter(pk=pk).first()
    )
    if match is None:
        raise Http404
    return match


def language():
    return "es" if (get_language() or "en").startswith("es") else "en"


def _latest_authorization(patient):
    return Authorization.objects.filter(patient=patient).select_related("text", "revocation").order_by(
        "-signed_at").first()


def _queue_query(data):
    """The queue's filter and order the coordinator came from, kept as its query string."""
    return data.get("queue", "")[:1000]


def _back_to_match(match, queue_query):
    url = reverse("matches:detail", args=[match.pk])
    return redirect(f"{url}?{urlencode({'queue': queue_query})}" if queue_query else url)


def _then(request, match):
    """After a save: the next match of the queue ("save and next"), or this match's page again."""
    queue_query = _queue_query(request.POST)
    if request.POST.get("then") == "next":
        return redirect(f"{reverse('matches:next')}?{urlencode({'after': match.pk, 'queue': queue_query})}")
    return _back_to_match(match, queue_query)


def _safe_next(request, fallback):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@coordinator_required
def detail(request, pk):
    match = _get_match_for(request.user, pk)
    log_access(user=request.user, patient=match.patient, action="view match detail",
               reason=f"screening for {match.trial.ref}", path=request.path)
    had_new_information = match.new_information
    match.mark_seen()
    with timezone.override(match.time_zone):
        authorization = _latest_authorization(match.patient)
        events = list(match.events.select_related("actor", "assignee"))
        reasons = match.reason_sentences()
        queue_query = _queue_query(request.GET)
        return render(request, "matches/detail.html", {
            "match": match,
            "reasons": reasons,
            "patient": match.patient,
            "age": match.patient.age_on(timezone.localdate()),
            "duplicates": match.patient.possible_duplicates_shown(),
            "condition_label": load_vocabulary().label(match.patient.condition_code, language()),
            "authorization": authorization,
            "authorization_valid": authorization.is_valid() if authorization else False,
            "events": events,
            "contacts": [e for e in events if e.kind == MatchEvent.Kind.CONTACT],
            "notes": [e for e in events
                      if e.kind == MatchEvent.Kind.NOTE or (e.note and e.kind == MatchEvent.Kind.STATUS)],
            "reason_counts": {o: sum(1 for r in reasons if r["outcome"] == o) for o in ("met", "not_met", "unknown")},
            "had_new_information": had_new_information,
            "status_form": StatusChangeForm(match=match),
            "assign_form": AssignForm(owners=services.possible_owners(match.trial),
                                      initial={"owner": match.owner_id or ""}),
            "note_form": NoteForm(),
            "contact_form": ContactForm(match=match),
            "queue_query": queue_query,
            "zone_name": str(match.time_zone),
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
    with timezone.override(match.time_zone):
        return render(request, "matches/coordinator_authorization.html", {
            "match": match, "authorization": authorization, "verified": authorization.verify(),
            "valid": authorization.is_valid(),
        })


@coordinator_required
@require_POST
def change_status(request, pk):
    match = _get_match_for(request.user, pk)
    form = StatusChangeForm(request.POST, match=match)
    if not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("The status was not changed: %(errors)s") % {"errors": errors})
        return _back_to_match(match, _queue_query(request.POST))
    status = form.cleaned_data["status"]
    services.change_status(match=match, status=status, by=request.user, note=form.cleaned_data["note"],
                           questions=form.cleaned_data.get("questions") or ())
    messages.success(request, _("%(patient)s moved to %(status)s.") % {
        "patient": match.patient.full_name, "status": Status(status).label})
    return _then(request, match)


@coordinator_required
@require_POST
def assign(request, pk):
    match = _get_match_for(request.user, pk)
    form = AssignForm(request.POST, owners=services.possible_owners(match.trial))
    if not form.is_valid():
        messages.error(request, _("Pick a coordinator of this trial's team."))
        return _back_to_match(match, _queue_query(request.POST))
    owner = form.cleaned_data["owner"]
    services.assign_matches(match_ids=[match.pk], owner=owner, by=request.user)
    if owner is None:
        messages.success(request, _("Nobody owns this match now."))
    else:
        messages.success(request, _("%(owner)s owns this match now.") % {"owner": owner.get_full_name() or owner})
    return _then(request, match)


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
    return _back_to_match(match, _queue_query(request.POST))


@coordinator_required
@require_POST
def log_contact(request, pk):
    match = _get_match_for(request.user, pk)
    with timezone.override(match.time_zone):  # the time typed is the team's local time
        form = ContactForm(request.POST, match=match)
        valid = form.is_valid()
    if not valid:
        messages.error(request, _("The contact was not saved: %(errors)s") % {
            "errors": " ".join(str(e) for errors in form.errors.values() for e in errors)})
        return _back_to_match(match, _queue_query(request.POST))
    data = form.cleaned_data
    with transaction.atomic():
        match.log_contact(by=request.user, method=data["method"], outcome=data["outcome"], note=data["note"],
                          at=data["at"])
        if data.get("mark_contacted"):
            services.change_status(match=match, status=Status.CONTACTED, by=request.user)
    messages.success(request, _("Contact logged."))
    return _then(request, match)

