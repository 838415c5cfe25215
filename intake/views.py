from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from formtools.wizard.views import SessionWizardView

from .forms import (
    AboutForm,
    ConditionForm,
    EditLocationForm,
    MedicinesCheckForm,
    MentalHealthForm,
    OncologyForm,
    SafetyForm,
    describe_drugs,
    kind_of,
    miles_to_km,
    safety_item_answered_above_not_at_all,
)
from .forms.choices import ADULT_AGE_YEARS
from .models import Patient, age_on
from .services import submit_intake, update_answers

PENDING_PATIENT_KEY = "intake.pending_patient_id"

# The patient sees four stages; the crisis page and the medicines check belong to "Your health".
STAGES = [
    ("about", gettext_lazy("About you")),
    ("condition", gettext_lazy("Your condition")),
    ("questions", gettext_lazy("Your health")),
    ("authorization", gettext_lazy("Authorization")),
]
STAGE_OF_STEP = {"about": "about", "condition": "condition", "oncology": "questions",
                 "mental_health": "questions", "safety": "questions", "medicines": "questions"}

def landing(request):
    return render(request, "intake/landing.html")


def _condition_code(wizard):
    data = wizard.get_cleaned_data_for_step("condition") or {}
    return data.get("condition_code") or ""


def _is_oncology(wizard):
    code = _condition_code(wizard)
    return bool(code) and kind_of(code) == "oncology"


def _is_mental_health_or_pain(wizard):
    code = _condition_code(wizard)
    return bool(code) and kind_of(code) != "oncology"


def _needs_crisis_resources(wizard):
    return safety_item_answered_above_not_at_all(wizard.get_cleaned_data_for_step("mental_health"))


def _named_drugs(wizard):
    for step in ("oncology", "mental_health"):
        data = wizard.get_cleaned_data_for_step(step) or {}
        text = data.get("prior_drugs") or data.get("medications") or ""
        if text.strip():
            return True
    return False


class IntakeWizard(SessionWizardView):
    """About you → your condition → questions for that condition (→ crisis resources → medicines check);
    then the authorization page.

    Progress lives in the session: leaving and coming back, or switching language, keeps it.
    """

    form_list = [
        ("about", AboutForm),
        ("condition", ConditionForm),
        ("oncology", OncologyForm),
        ("mental_health", MentalHealthForm),
        ("safety", SafetyForm),
        ("medicines", MedicinesCheckForm),
    ]
    condition_dict = {"oncology": _is_oncology, "mental_health": _is_mental_health_or_pain,
                      "safety": _needs_crisis_resources, "medicines": _named_drugs}
    template_name = "intake/wizard.html"

    def get(self, request, *args, **kwargs):
        """Show the step the patient was on, not the first one: a GET here is coming back, not starting over."""
        if "restart" in request.GET:
            self.storage.reset()
        if self.storage.current_step not in self.get_form_list():
            self.storage.current_step = self.steps.first
        step = self.storage.current_step
        form = self.get_form(step, data=self.storage.get_step_data(step), files=self.storage.get_step_files(step))
        return self.render(form)

    def _stored_about(self, name):
        """A value of the stored about step, read from the raw data: validating that step builds its form,
        whose keyword arguments (get_form_kwargs) need this very value."""
        return (self.storage.get_step_data("about") or {}).get(f"about-{name}")

    def process_step(self, form):
        """The birthday is read once, where it is asked, and kept as a date: nothing later reads it again
        from what was typed (switching language once turned 05/12 from May into December)."""
        if self.steps.current == "about":
            self.storage.extra_data = {**self.storage.extra_data,
                                       "birth_date": form.cleaned_data["birth_date"].isoformat()}
        return super().process_step(form)

    def birth_date(self):
        stored = self.storage.extra_data.get("birth_date")
        return date.fromisoformat(stored) if stored else None

    def is_minor(self):
        birth_date = self.birth_date()
        return birth_date is not None and age_on(birth_date, timezone.localdate()) < ADULT_AGE_YEARS

    def post(self, *args, **kwargs):
        """A posted step the wizard doesn't show now (a stale tab, a forged form) goes back to the current step."""
        posted = self.request.POST.get(f"{self.get_prefix(self.request, *args, **kwargs)}-current_step")
        if posted is not None and posted not in self.get_form_list():
            if self.storage.current_step not in self.get_form_list():
                self.storage.current_step = self.steps.first
            step = self.storage.current_step
            return self.render(self.get_form(step, data=self.storage.get_step_data(step)))
        return super().post(*args, **kwargs)

    def get_form_kwargs(self, step=None):
        if step in ("safety", "medicines"):
            return {}
        kwargs = {"minor": self.is_minor()}
        if step in ("oncology", "mental_health"):
            kwargs["sex"] = self._stored_about("sex")
        if step == "mental_health":
            kwargs["kind"] = kind_of(_condition_code(self))
        return kwargs

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        current_stage = STAGE_OF_STEP[self.steps.current]
        stage_keys = [key for key, _label in STAGES]
        context.update(
            stages=[{"label": label, "current": key == current_stage,
                     "done": stage_keys.index(key) < stage_keys.index(current_stage)} for key, label in STAGES],
            step_number=stage_keys.index(current_stage) + 1,
            step_total=len(STAGES),
            stage_label=dict(STAGES)[current_stage],
            is_minor=self.is_minor(),
        )
        if self.steps.current == "medicines":
            context["understood"] = self._understood_drugs()
        return context

    def _understood_drugs(self):
        """What we made of the names the patient typed, to show back before they go on."""
        for step in ("oncology", "mental_health"):
            if step not in self.get_form_list():
                continue
            form = self.get_form(step, data=self.storage.get_step_data(step))
            if form.is_valid():
                answers = form.answers()
                ids = answers.get("medications") or [
                    item for item in answers.get("prior_therapies") or [] if item.startswith("drug:")]
                unknown = answers.get("medications_unrecognised") or answers.get("prior_drugs_unrecognised") or []
                return {"recognised": describe_drugs(ids), "unrecognised": unknown,
                        "is_medications": step == "mental_health"}
        return {"recognised": [], "unrecognised": []}

    def done(self, form_list, form_dict, **kwargs):
        about = form_dict["about"]
        questions = form_dict.get("oncology") or form_dict.get("mental_health")
        patient = submit_intake(
            language=(get_language() or "en")[:2],
            full_name=about.cleaned_data["full_name"],
            email=about.cleaned_data["email"],
            phone=about.cleaned_data.get("phone", ""),
            birth_date=self.birth_date(),
            sex=about.cleaned_data["sex"],
            postal_code=about.cleaned_data["postal_code"],
            travel_radius_km=about.travel_radius_km(),
            condition_code=form_dict["condition"].cleaned_data["condition_code"],
            answers=questions.answers() if questions else {},
        )
        # The patient's id rides in the server-side session, never in a URL.
        self.request.session[PENDING_PATIENT_KEY] = patient.pk
        return redirect("patient:sign")


@require_http_methods(["GET", "POST"])
def edit_answers(request, token):
    """Change any health answer from the private link; matching re-runs in the background."""
    patient = Patient.objects.from_status_token_or_404(token)
    form_class = OncologyForm if kind_of(patient.condition_code) == "oncology" else MentalHealthForm
    extra = {"minor": patient.is_minor, "sex": patient.sex}
    if form_class is MentalHealthForm:
        extra["kind"] = kind_of(patient.condition_code)
    radius_miles = next((str(miles) for miles in (25, 50, 100, 250)
                         if miles_to_km(miles) == patient.travel_radius_km), "")
    form = form_class(request.POST or None, initial=form_class.initial_from(patient.answers or {}), **extra)
    location = EditLocationForm(request.POST or None, prefix="where",
                                initial={"postal_code": patient.postal_code, "travel_radius": radius_miles})
    if request.method == "POST" and form.is_valid() and location.is_valid():
        update_answers(patient=patient, answers=form.answers(), postal_code=location.cleaned_data["postal_code"],
                       travel_radius_km=miles_to_km(location.cleaned_data.get("travel_radius")))
        messages.success(request, _("Thank you. Your answers are saved and we are checking your matches again."))
        return redirect(reverse("patient:status", args=[token]))
    understood = describe_drugs((patient.answers or {}).get("medications") or [
        item for item in (patient.answers or {}).get("prior_therapies") or [] if item.startswith("drug:")])
    return render(request, "intake/edit_answers.html", {
        "form": form, "location": location, "patient": patient, "token": token, "understood": understood,
        "is_oncology": form_class is OncologyForm,
    })
