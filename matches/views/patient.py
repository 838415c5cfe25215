"""The patient's private status page, reached by the signed link only."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consent.services import current_authorization
from intake.forms import FollowUpForm, describe_drugs
from intake.models import Patient
from intake.services import update_answers
from trials.vocabulary import load_vocabulary

from ..models import Status, Verdict


def _rows(matches, language):
    return [
        {
            "match": match,
            "title": match.trial.localized_title(language),
            "summary": match.trial.localized_summary(language),
            "fits": match.verdict == Verdict.ELIGIBLE,
            "closed": match.status in (Status.NOT_ELIGIBLE, Status.DECLINED, Status.WITHDRAWN),
            "reasons": [reason["patient"] for reason in match.reason_sentences()],
        }
        for match in matches
    ]


@require_http_methods(["GET", "POST"])
def patient_status(request, token):
    patient = Patient.objects.from_status_token_or_404(token)
    language = "es" if (get_language() or "en").startswith("es") else "en"
    authorization = current_authorization(patient)
    matches = list(
        patient.matches.exclude(verdict=Verdict.NOT_ELIGIBLE).select_related("trial", "nearest_site").order_by("-score")
    )
    # Only questions that could still open a door: none once consent is gone or the trial is closed for them.
    open_matches = [m for m in matches if m.status not in (Status.NOT_ELIGIBLE, Status.DECLINED, Status.WITHDRAWN)]
    questions = list(dict.fromkeys(q for match in open_matches for q in match.questions)) if authorization else []
    form = FollowUpForm(request.POST or None, questions=questions, answers=patient.answers, sex=patient.sex,
                        minor=patient.is_minor, prefix="followup")
    if request.method == "POST" and form.asked and form.is_valid():
        update_answers(patient=patient, answers=form.answers(), **form.travel_changes())
        messages.success(request, _("Thank you. Your answers are saved and we are checking your matches again."))
        return redirect("patient:status", token=token)
    answers = patient.answers or {}
    return render(request, "matches/patient_status.html", {
        "patient": patient,
        "token": token,
        "rows": _rows(matches, language),
        "form": form,
        "authorization": authorization,
        "ever_signed": patient.authorizations.exists(),
        "condition_label": load_vocabulary().label(patient.condition_code, language),
        "medicines": describe_drugs(answers.get("medications") or []),
    })
