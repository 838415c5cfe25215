"""The patient's private status page, reached by the signed link only."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from consent.services import current_authorization
from intake.models import Patient
from trials.vocabulary import load_vocabulary

from ..models import Verdict


def patient_status(request, token):
    patient = Patient.from_status_token(token)
    if patient is None:
        raise Http404
    language = "es" if (get_language() or "en").startswith("es") else "en"
    matches = (
        patient.matches.exclude(verdict=Verdict.NOT_ELIGIBLE)
        .select_related("trial", "nearest_site")
        .order_by("-score")
    )
    rows = [
        {
            "match": match,
            "title": match.trial.localized_title(language),
            "summary": match.trial.localized_summary(language),
            "reasons": [reason["patient"][language] for reason in match.reasons],
        }
        for match in matches
    ]
    questions = sorted({question for match in matches for question in match.questions})
    return render(request, "matches/patient_status.html", {
        "patient": patient,
        "token": token,
        "rows": rows,
        "questions": questions,
        "authorization": current_authorization(patient),
        "ever_signed": patient.authorizations.exists(),
        "condition_label": load_vocabulary().label(patient.condition_code, language),
    })
