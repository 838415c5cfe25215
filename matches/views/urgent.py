"""The urgent view: patients flagged urgent (PHQ-9 item 9), for the safety team whatever trials they matched.

Members of the safety team (settings.SAFETY_TEAM_NAME) and admins see every urgent patient; other coordinators
see the urgent patients matched to their teams' trials. As on every staff page, a patient appears only while
their authorization is valid, and each one shown is logged as a staff read of their details.
"""

from django.core.paginator import Paginator
from django.shortcuts import render

from consent.services import log_access
from trials.models import TrialTeam
from trials.vocabulary import load_vocabulary

from ..models import Match
from ..services import consented_patients
from .coordinator import coordinator_required

PAGE_SIZE = 50


def on_safety_team(user):
    team = TrialTeam.objects.safety_team()
    return team is not None and team.members.filter(pk=user.pk).exists()


def _urgent_patients_for(user):
    patients = consented_patients().filter(urgent=True)
    if not (user.is_superuser or on_safety_team(user)):
        patients = patients.filter(pk__in=Match.objects.for_user(user).in_queue().values("patient_id"))
    return patients.order_by("-answers_changed_at", "pk")


@coordinator_required
def urgent_patients(request):
    page = Paginator(_urgent_patients_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    patients = list(page)
    visible = set(Match.objects.for_user(request.user).in_queue().filter(patient__in=patients)
                  .values_list("pk", flat=True))
    matches = {}
    for match in (Match.objects.filter(patient__in=patients).in_queue().select_related("trial__team")
                  .order_by("-score")):
        matches.setdefault(match.patient_id, []).append((match, match.pk in visible))
    vocabulary = load_vocabulary()
    rows = []
    for patient in patients:
        log_access(user=request.user, patient=patient, action="view urgent list",
                   reason="safety follow-up (PHQ-9 item 9)", path=request.path)
        rows.append({"patient": patient, "age": patient.age_on(),
                     "condition": vocabulary.label(patient.condition_code, "en"),
                     "matches": matches.get(patient.pk, [])})
    return render(request, "matches/urgent.html", {
        "rows": rows, "page": page, "safety_member": request.user.is_superuser or on_safety_team(request.user),
        "safety_team": TrialTeam.objects.safety_team(),
    })
