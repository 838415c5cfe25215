from django.shortcuts import redirect, render
from django.utils.translation import get_language
from formtools.wizard.views import SessionWizardView

from .forms import AboutForm, ConditionForm, MentalHealthForm, OncologyForm, kind_of
from .services import submit_intake

PENDING_PATIENT_KEY = "intake.pending_patient_id"


def landing(request):
    return render(request, "intake/landing.html")


def _condition_code(wizard):
    data = wizard.get_cleaned_data_for_step("condition") or {}
    return data.get("condition_code", "")


def _is_oncology(wizard):
    return kind_of(_condition_code(wizard)) == "oncology" if _condition_code(wizard) else False


def _is_mental_health_or_pain(wizard):
    return bool(_condition_code(wizard)) and not _is_oncology(wizard)


class IntakeWizard(SessionWizardView):
    """About you → your condition → questions for that condition; then the authorization page.

    Progress lives in the session, so leaving and coming back (or switching language) keeps it.
    """

    form_list = [
        ("about", AboutForm),
        ("condition", ConditionForm),
        ("oncology", OncologyForm),
        ("mental_health", MentalHealthForm),
    ]
    condition_dict = {"oncology": _is_oncology, "mental_health": _is_mental_health_or_pain}
    template_name = "intake/wizard.html"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        steps = list(self.get_form_list())
        context["step_number"] = steps.index(self.steps.current) + 1
        context["step_total"] = len(steps) + 1  # and the authorization after them
        return context

    def done(self, form_list, form_dict, **kwargs):
        about = form_dict["about"].cleaned_data
        questions = form_dict.get("oncology") or form_dict.get("mental_health")
        patient = submit_intake(
            language=(get_language() or "en")[:2],
            full_name=about["full_name"],
            email=about["email"],
            phone=about.get("phone", ""),
            birth_date=about["birth_date"],
            sex=about["sex"],
            postal_code=about["postal_code"],
            travel_radius_km=form_dict["about"].travel_radius_km(),
            condition_code=form_dict["condition"].cleaned_data["condition_code"],
            answers=questions.answers() if questions else {},
        )
        # The patient's id rides in the server-side session, never in a URL.
        self.request.session[PENDING_PATIENT_KEY] = patient.pk
        return redirect("consent:sign")
