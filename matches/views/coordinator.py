"""The coordinators' workspace. Every match is reached through _get_match_for, which 404s outside the user's teams."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from consent.models import Authorization
from consent.services import log_access
from trials.vocabulary import load_vocabulary

from .. import services
from ..forms import NoteForm, QueueFilter, StatusChangeForm
from ..models import Match, Status

PAGE_SIZE = 25


def _is_coordinator(user):
    return user.is_authenticated and (user.is_superuser or user.trial_teams.exists())


def _get_match_for(user, pk):
    if not _is_coordinator(user):
        raise Http404
    match = (
        Match.objects.for_user(user).in_queue().select_related("patient", "trial", "nearest_site").filter(pk=pk).first()
    )
    if match is None:
        raise Http404
    return match


@login_required
def queue(request):
    if not _is_coordinator(request.user):
        raise Http404
    matches = Match.objects.for_user(request.user).in_queue().select_related("patient", "trial", "nearest_site")
    counts = dict(matches.order_by().values_list("status").annotate(n=Count("pk")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices if value != "withdrawn"]
    queue_filter = QueueFilter(request.GET or None, queryset=matches, user=request.user)
    page = Paginator(queue_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "matches/queue.html", {"filter": queue_filter, "page": page, "status_counts": status_counts})


@login_required
def detail(request, pk):
    match = _get_match_for(request.user, pk)
    log_access(user=request.user, patient=match.patient, action="view match detail",
               reason=f"screening for {match.trial.ref}", path=request.path)
    authorization = Authorization.objects.filter(patient=match.patient).select_related("text").first()
    vocabulary = load_vocabulary()
    return render(request, "matches/detail.html", {
        "match": match,
        "patient": match.patient,
        "age": match.patient.age_on(),
        "condition_label": vocabulary.label(match.patient.condition_code, "en"),
        "authorization": authorization,
        "authorization_valid": authorization.is_valid() if authorization else False,
        "events": match.events.select_related("actor"),
        "status_form": StatusChangeForm(match=match),
        "note_form": NoteForm(),
    })


@login_required
@require_POST
def change_status(request, pk):
    match = _get_match_for(request.user, pk)
    form = StatusChangeForm(request.POST, match=match)
    if form.is_valid():
        services.change_status(match=match, status=form.cleaned_data["status"], by=request.user,
                               note=form.cleaned_data["note"])
        messages.success(request, f"Moved to {Status(form.cleaned_data['status']).label}.")
    else:
        messages.error(request, "That status change is not allowed from here.")
    return redirect("matches:detail", pk=match.pk)


@login_required
@require_POST
def add_note(request, pk):
    match = _get_match_for(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(match=match, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, "Note saved.")
    else:
        messages.error(request, "A note cannot be empty.")
    return redirect("matches:detail", pk=match.pk)
