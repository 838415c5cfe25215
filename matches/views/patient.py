"""The patient's private status page and the trial summaries they share, reached by the signed link only."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consent.services import current_authorization
from intake.forms import FollowUpForm, describe_drugs
from intake.models import Patient
from intake.services import update_answers
from trials.models import safety_team_is_staffed
from trials.vocabulary import load_vocabulary

from ..services.results import CLOSED, cards_for, shown_count, why_no_matches
from ..share_pdf import trial_summary_pdf


def page_language():
    return "es" if (get_language() or "en").startswith("es") else "en"


@require_http_methods(["GET", "POST"])
def patient_status(request, token):
    patient = Patient.objects.from_status_token_or_404(token)
    language = page_language()
    authorization = current_authorization(patient)
    cards = cards_for(patient, language)
    # Only questions that could still open a door: none once consent is gone or the trial is closed for them.
    open_matches = [card.match for card in cards if card.match.status not in CLOSED]
    questions = list(dict.fromkeys(q for match in open_matches for q in match.questions)) if authorization else []
    form = FollowUpForm(request.POST or None, questions=questions, answers=patient.answers, sex=patient.sex,
                        minor=patient.is_minor, prefix="followup")
    if request.method == "POST" and form.asked and form.is_valid():
        update_answers(patient=patient, answers=form.answers(), **form.travel_changes())
        messages.success(request, _("Thank you. Your answers are saved and we are checking your matches again."))
        return redirect("patient:status", token=token)
    answers = patient.answers or {}
    shown = shown_count(request.GET.get("shown"), len(cards))
    return render(request, "matches/patient_status.html", {
        "patient": patient,
        "token": token,
        "cards": cards[:shown],
        "total": len(cards),
        "shown": shown,
        "more": min(len(cards) - shown, 10) if len(cards) > shown else 0,
        "why_none": why_no_matches(patient, language) if authorization and not cards else [],
        "language": language,
        "form": form,
        "authorization": authorization,
        "ever_signed": patient.authorizations.exists(),
        # Only true words: someone will see the urgent flag while a staffed safety team exists and consent holds.
        "safety_team_sees": bool(patient.urgent and authorization and safety_team_is_staffed()),
        "condition_label": load_vocabulary().label(patient.condition_code, language),
        "medicines": describe_drugs(answers.get("medications") or []),
    })


def _shared_card(token, match_id, language):
    """The card of one of this patient's matches that could still fit; 404 for anyone else's or a ruled-out one."""
    patient = Patient.objects.from_status_token_or_404(token)
    card = next((c for c in cards_for(patient, language) if c.match.pk == match_id), None)
    if card is None:
        raise Http404
    return patient, card


def _share_context(patient, card, language):
    reasons = card.match.reason_sentences()
    return {
        "patient": patient, "card": card, "language": language, "today": timezone.localdate(),
        "fits": [r["patient"] for r in reasons if r["outcome"] == "met"],
        "to_check": [r["patient"] for r in reasons if r["outcome"] == "unknown"],
        "site": card.match.nearest_site,
    }


@require_GET
def share(request, token, match_id):
    """A one-page summary of one trial for the patient to print or take to their doctor."""
    language = page_language()
    patient, card = _shared_card(token, match_id, language)
    return render(request, "matches/share.html", {**_share_context(patient, card, language), "token": token})


@require_GET
def share_pdf(request, token, match_id):
    language = page_language()
    patient, card = _shared_card(token, match_id, language)
    response = HttpResponse(trial_summary_pdf(_share_context(patient, card, language)),
                            content_type="application/pdf")
    # The file name holds no trial or condition: it may sit in a downloads folder others see.
    response["Content-Disposition"] = f'attachment; filename="trialbridge-{patient.reference}-trial.pdf"'
    return response
