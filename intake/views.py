import uuid
from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from formtools.wizard.views import NamedUrlSessionWizardView

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
from .services import AlreadySigned, submit_intake, update_answers

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


class IntakeWizard(NamedUrlSessionWizardView):
    """About you → your condition → questions for that condition (→ crisis resources → medicines check);
    then the authorization page.

    Every step has its own address and every POST ends in a redirect, so the browser's Back button walks the
    steps and never asks to send a form again. All POSTs go to the wizard's one address (the rate limit's).
    Progress lives in the session: leaving and coming back, or switching language, keeps it. It stays there
    after the last step, so going back from the authorization page to change an answer changes the same
    patient (the intake's token); once that patient has signed, the wizard says so and shows no answers.
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

    def intake_token(self):
        """The intake's own key, made once per intake (see Patient.intake_token)."""
        token = self.storage.extra_data.get("intake_token")
        if token is None:
            token = str(uuid.uuid4())
            self.storage.extra_data = {**self.storage.extra_data, "intake_token": token}
        return token

    def submitted_patient(self):
        token = self.storage.extra_data.get("intake_token")
        return Patient.objects.filter(intake_token=token).first() if token else None

    def signed(self):
        patient = self.submitted_patient()
        return patient is not None and (patient.has_signed() or patient.erased_at is not None)

    def first_unanswered_step(self, before=None):
        """The first step without valid answers (up to `before`), or None when all of them have some."""
        for step in self.get_form_list():
            if step == before:
                return None
            if self.get_cleaned_data_for_step(step) is None:
                return step
        return None

    def get(self, request, *args, **kwargs):
        """Show the step asked for, with the answers already given; never a step whose earlier steps are
        unanswered, and nothing once the intake is signed (a shared computer's next user pressing Back)."""
        self.intake_token()
        if self.signed():
            return render(request, "intake/already_signed.html")
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return redirect(self.get_step_url(self.first_unanswered_step() or self.steps.current))
        unanswered = self.first_unanswered_step(before=step)
        if unanswered is not None:
            return redirect(self.get_step_url(unanswered))
        self.storage.current_step = step
        return self.render(self.get_form(step, data=self.storage.get_step_data(step)))

    def post(self, *args, **kwargs):
        """Every POST redirects: to the next step, to this one again with its errors, or to the authorization."""
        if "start_over" in self.request.POST:
            self.storage.reset()
            return redirect(self.get_step_url(self.steps.first))
        if self.signed():
            return redirect("intake:wizard")
        posted = self.request.POST.get(f"{self.prefix}-current_step")
        if posted not in self.get_form_list():
            # A step the wizard doesn't show now (a stale tab, a forged form): back where the patient is.
            return redirect(self.get_step_url(self.first_unanswered_step() or self.steps.current))
        return super().post(*args, **kwargs)

    def render(self, form=None, **kwargs):
        if self.request.method == "POST":
            # Refused answers are kept as the step's data, so the step's page shows them with their errors.
            self.storage.set_step_data(self.steps.current, self.get_form_step_data(form))
            return redirect(self.get_step_url(self.steps.current))
        return super().render(form, **kwargs)

    def render_done(self, form, **kwargs):
        """Check every step again and save, in this POST (formtools would redirect to a GET that saves).
        The answers stay in the session, for going back from the authorization page."""
        final_forms = {}
        for step in self.get_form_list():
            step_form = self.get_form(step, data=self.storage.get_step_data(step))
            if not step_form.is_valid():
                return self.render_revalidation_failure(step, step_form, **kwargs)
            final_forms[step] = step_form
        return self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)

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
        try:
            patient = self.submit(about, form_dict, questions)
        except AlreadySigned:
            return redirect("intake:wizard")
        # The patient's id rides in the server-side session, never in a URL.
        self.request.session[PENDING_PATIENT_KEY] = patient.pk
        return redirect("patient:sign")

    def submit(self, about, form_dict, questions):
        return submit_intake(
            intake_token=self.intake_token(),
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
