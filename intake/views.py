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

from trials.vocabulary import load_vocabulary

from .forms import (
    AboutForm,
    ConditionForm,
    ContactForm,
    EditLocationForm,
    PageForm,
    QuestionsForm,
    describe_drugs,
    kind_of,
    km_to_travel_choice,
    miles_to_km,
    safety_item_answered_above_not_at_all,
)
from .forms.choices import ADULT_AGE_YEARS
from .geo import locate_zip
from .models import Patient, age_on
from .phones import display_phone
from .plan import INTAKE_INPUTS_TARGET, all_questions_for, answers_implied, outlook, plan_questions
from .progress import STAGE_OF_STEP, progress
from .retention import erase_unsigned_intake
from .services import AlreadySigned, submit_intake, update_answers

PENDING_PATIENT_KEY = "intake.pending_patient_id"

def landing(request):
    return render(request, "intake/landing.html")


def _has_questions(wizard):
    return bool(wizard.plan())


def _needs_crisis_resources(wizard):
    return safety_item_answered_above_not_at_all(wizard.get_cleaned_data_for_step("questions"))


def _named_drugs(wizard):
    data = wizard.get_cleaned_data_for_step("questions") or {}
    return any((data.get(name) or "").strip() for name in ("prior_drugs", "medications"))


class IntakeWizard(NamedUrlSessionWizardView):
    """About you → your condition → how many trials may fit → the questions those trials ask (→ crisis
    resources → medicines check) → contact details → check your answers; then the authorization page.

    Every step has its own address and every POST ends in a redirect, so the browser's Back button walks the
    steps and never asks to send a form again. All POSTs go to the wizard's one address (the rate limit's).
    Progress lives in the session: leaving and coming back, or switching language, keeps it. It stays there
    after the last step, so going back from the authorization page to change an answer changes the same
    patient (the intake's token); once that patient has signed, the wizard says so and shows no answers.
    """

    form_list = [
        ("about", AboutForm),
        ("condition", ConditionForm),
        ("results", PageForm),
        ("questions", QuestionsForm),
        ("safety", PageForm),
        ("medicines", PageForm),
        ("contact", ContactForm),
        ("review", PageForm),
    ]
    condition_dict = {"questions": _has_questions, "safety": _needs_crisis_resources, "medicines": _named_drugs}
    template_name = "intake/wizard.html"

    # The intake's own key and the birthday, kept apart from the steps' data (storage.extra_data).

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

    # What the first answers say: computed once per request, never stored.

    def first_answers(self):
        """The answers every trial needs (condition, birthday, sex, ZIP, travel), or None until all are given."""
        if not hasattr(self, "_first_answers"):
            about = self.get_cleaned_data_for_step("about")
            condition = self.get_cleaned_data_for_step("condition")
            self._first_answers = None
            if about and condition and self.birth_date():
                location = locate_zip(about["postal_code"])
                self._first_answers = {
                    "condition_code": condition["condition_code"], "birth_date": self.birth_date(),
                    "sex": about["sex"], "latitude": location[0] if location else None,
                    "longitude": location[1] if location else None,
                    "travel_radius_km": miles_to_km(about["travel_radius"]),
                }
        return self._first_answers

    def outlook(self):
        if not hasattr(self, "_outlook"):
            first = self.first_answers()
            self._outlook = outlook(**first) if first else None
        return self._outlook

    def plan(self):
        """The questions to ask for this condition, derived from the recruiting trials' rules. Kept in the
        session with the first answers it was made from, so the engine runs again only when those change."""
        if not hasattr(self, "_plan"):
            first = self.first_answers()
            if first is None:
                self._plan = []
                return self._plan
            made_from = repr(sorted(first.items()))
            kept = self.storage.extra_data.get("plan") or {}
            if kept.get("made_from") == made_from:
                self._plan = kept["questions"]
            else:
                self._plan = plan_questions(
                    self.outlook(), condition_code=first["condition_code"], birth_date=first["birth_date"],
                    sex=first["sex"], budget=INTAKE_INPUTS_TARGET - self.fixed_inputs())
                self.storage.extra_data = {**self.storage.extra_data,
                                           "plan": {"made_from": made_from, "questions": self._plan}}
        return self._plan

    def fixed_inputs(self):
        """Answers every intake asks, whatever the condition."""
        return sum(form_class.input_count() for form_class in (AboutForm, ConditionForm, ContactForm))

    # Steps: each at its own address, every POST redirected.

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
        if "change" in request.GET:  # a "change" link of the review page: come back there after this step
            self.storage.extra_data = {**self.storage.extra_data, "back_to_review": True}
        self.storage.current_step = step
        return self.render(self.get_form(step, data=self.storage.get_step_data(step)))

    def post(self, *args, **kwargs):
        """Every POST redirects: to the next step, to this one again with its errors, or to the authorization."""
        if "start_over" in self.request.POST:
            # The answers go, and so does the patient they made if nobody signed for them.
            draft = self.submitted_patient()
            if draft is not None:
                erase_unsigned_intake(patient_id=draft.pk)
            self.request.session.pop(PENDING_PATIENT_KEY, None)
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

    def render_next_step(self, form, **kwargs):
        if self.storage.extra_data.get("back_to_review"):
            # After a change, straight back to the review, unless the change opened new questions.
            step = self.first_unanswered_step() or "review"
            self.storage.current_step = step
            return redirect(self.get_step_url(step))
        return super().render_next_step(form, **kwargs)

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

    def get_form_kwargs(self, step=None):
        if step in ("about", "condition", "contact"):
            return {"minor": self.is_minor()}
        if step == "questions":
            return {"questions": self.plan(), "minor": self.is_minor()}
        return {}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        first = self.first_answers() or {}
        context.update(progress(STAGE_OF_STEP[step]), is_minor=self.is_minor(),
                       is_oncology=kind_of(first.get("condition_code", "")) == "oncology")
        if step == "results":
            context["outlook"] = self.outlook()
            context["condition_label"] = load_vocabulary().label(self.first_answers()["condition_code"],
                                                                 (get_language() or "en")[:2])
            context["has_questions"] = bool(self.plan())
        elif step == "medicines":
            context["understood"] = self._understood_drugs()
        elif step == "review":
            self.storage.extra_data = {**self.storage.extra_data, "back_to_review": False}
            context["review"] = self.review()
        return context

    def _questions_form(self):
        if "questions" not in self.get_form_list():
            return None
        form = self.get_form("questions", data=self.storage.get_step_data("questions"))
        return form if form.is_valid() else None

    def _understood_drugs(self):
        """What we made of the names the patient typed, to show back before they go on."""
        form = self._questions_form()
        answers = form.answers() if form else {}
        ids = answers.get("medications") or [
            item for item in answers.get("prior_therapies") or [] if item.startswith("drug:")]
        unknown = answers.get("medications_unrecognised") or answers.get("prior_drugs_unrecognised") or []
        return {"recognised": describe_drugs(ids), "unrecognised": unknown,
                "is_medications": "medications" in answers}

    def review(self):
        """Every answer, grouped by the step that asked it, with that step's name for its "change" link."""
        language = (get_language() or "en")[:2]
        about = self.get_cleaned_data_for_step("about")
        condition = self.get_cleaned_data_for_step("condition")
        contact = self.get_cleaned_data_for_step("contact")
        about_form = AboutForm(minor=self.is_minor())
        contact_form = ContactForm(minor=self.is_minor())
        sections = [
            ("about", [
                (about_form.fields["birth_date"].label, date_words(self.birth_date())),
                (about_form.fields["sex"].label, dict(about_form.fields["sex"].choices)[about["sex"]]),
                (about_form.fields["postal_code"].label, about["postal_code"]),
                (about_form.fields["travel_radius"].label,
                 dict(about_form.fields["travel_radius"].choices)[about["travel_radius"]]),
            ]),
            ("condition", [(gettext_lazy("Condition"),
                            load_vocabulary().label(condition["condition_code"], language))]),
        ]
        questions = self._questions_form()
        if questions is not None:
            sections.append(("questions", questions.summary()))
        sections.append(("contact", [
            (contact_form.fields["full_name"].label, contact["full_name"]),
            (contact_form.fields["email"].label, contact["email"]),
            (contact_form.fields["phone"].label, display_phone(contact.get("phone")) or "–"),
        ]))
        return [{"step": step, "rows": rows} for step, rows in sections]

    def done(self, form_list, form_dict, **kwargs):
        try:
            patient = self.submit(form_dict)
        except AlreadySigned:
            return redirect("intake:wizard")
        # The patient's id rides in the server-side session, never in a URL.
        self.request.session[PENDING_PATIENT_KEY] = patient.pk
        return redirect("patient:sign")

    def submit(self, form_dict):
        about, contact = form_dict["about"].cleaned_data, form_dict["contact"].cleaned_data
        questions = form_dict.get("questions")
        answers = {**answers_implied(sex=about["sex"], birth_date=self.birth_date()),
                   **(questions.answers() if questions else {})}
        return submit_intake(
            intake_token=self.intake_token(),
            language=(get_language() or "en")[:2],
            full_name=contact["full_name"],
            email=contact["email"],
            phone=contact.get("phone", ""),
            birth_date=self.birth_date(),
            sex=about["sex"],
            postal_code=about["postal_code"],
            travel_radius_km=miles_to_km(about["travel_radius"]),
            condition_code=form_dict["condition"].cleaned_data["condition_code"],
            answers=answers,
        )


def date_words(day):
    """"23 April 1975" in the page's language (the way the birthday was asked)."""
    from django.utils.dates import MONTHS

    return _("%(day)s %(month)s %(year)s") % {"day": day.day, "month": MONTHS[day.month], "year": day.year}


@require_http_methods(["GET", "POST"])
def edit_answers(request, token):
    """Change any health answer from the private link; matching re-runs in the background."""
    patient = Patient.objects.from_status_token_or_404(token)
    form = QuestionsForm(request.POST or None, questions=all_questions_for(patient), answers=patient.answers,
                         minor=patient.is_minor)
    location = EditLocationForm(request.POST or None, prefix="where", initial={
        "postal_code": patient.postal_code, "travel_radius": km_to_travel_choice(patient.travel_radius_km)})
    if request.method == "POST" and form.is_valid() and location.is_valid():
        update_answers(patient=patient, answers=form.answers(), postal_code=location.cleaned_data["postal_code"],
                       travel_radius_km=miles_to_km(location.cleaned_data["travel_radius"]))
        messages.success(request, _("Thank you. Your answers are saved and we are checking your matches again."))
        return redirect(reverse("patient:status", args=[token]))
    answers = patient.answers or {}
    understood = describe_drugs(answers.get("medications") or [
        item for item in answers.get("prior_therapies") or [] if item.startswith("drug:")])
    return render(request, "intake/edit_answers.html", {
        "form": form, "location": location, "patient": patient, "token": token, "understood": understood,
    })
