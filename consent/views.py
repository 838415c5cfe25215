from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from config.middleware import client_ip
from intake.geo import zip_time_zone
from intake.models import Patient
from intake.views import PENDING_PATIENT_KEY

from .forms import NewStatusLinkForm, RevokeForm, SignForm
from .models import AuthorizationText
from .pdf import authorization_pdf
from .services import (
    AlreadySigned,
    ConsentError,
    current_authorization,
    needs_signature,
    revoke_authorization,
    sign_authorization,
)
from .tasks import send_new_status_links
from .wording import relationship_label

SIGNED_PATIENT_KEY = "consent.signed_patient_id"
# Set once the done page has shown the private link in this browser, so it is never shown there again.
DONE_SHOWN_KEY = "consent.done_shown"

REVOKED_MESSAGE = _lazy(
    "Your authorization is revoked. TrialBridge has stopped using your information to look for trials, and "
    "coordinators no longer see your matches in their lists. This does not undo what was shared with a study "
    "team before you revoked: they may keep it under their own rules. We keep your authorization, this "
    "revocation and your answers on file; to have your answers erased, write to privacy@trialbridge.example."
)


def _pending_patient(request):
    patient_id = request.session.get(PENDING_PATIENT_KEY)
    return Patient.objects.active().filter(pk=patient_id).first() if patient_id else None


def _text_shown(request):
    """The text version the signer was shown (the form's hidden field); None when that is not a version's id."""
    try:
        pk = forms.IntegerField(min_value=1, max_value=2**31 - 1).clean(request.POST.get("text_version_id"))
    except ValidationError:
        return None
    return AuthorizationText.objects.filter(pk=pk).first()


def _sign_page(request, patient, on_signed, on_already_signed):
    """Show the current text and take a signature over exactly that version."""
    text = AuthorizationText.objects.current()
    if text is None:
        raise Http404
    language = "es" if (get_language() or "en").startswith("es") else "en"
    form = SignForm(request.POST if request.method == "POST" else None, patient=patient)
    if request.method == "POST" and form.is_valid():
        shown = _text_shown(request)
        try:
            if shown is None:
                raise ConsentError(_("Please sign the current text."))
            sign_authorization(
                patient=patient,
                text=shown,
                language=language,
                signed_name=form.cleaned_data["signed_name"],
                relationship=form.cleaned_data["relationship"],
                representative_authority=form.cleaned_data.get("representative_authority", ""),
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except AlreadySigned:
            return on_already_signed()
        except ConsentError as error:
            form.add_error(None, str(error))
        else:
            return on_signed()
    return render(request, "consent/sign.html", {"form": form, "text": text, "patient": patient,
                                                 "language": language})


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def sign(request):
    patient = _pending_patient(request)
    if patient is None:
        if SIGNED_PATIENT_KEY in request.session or DONE_SHOWN_KEY in request.session:
            return redirect("consent:done")  # signed already: the back button, or a second press of "Sign"
        messages.info(request, _("Start with a few questions about you first."))
        return redirect("intake:wizard")

    def on_signed():
        # Every request that carried this form ends here, the one that signed and those that found it signed
        # (a double click): whichever saves the session last leaves it the same.
        request.session.pop(PENDING_PATIENT_KEY, None)
        request.session[SIGNED_PATIENT_KEY] = patient.pk
        return redirect("consent:done")

    return _sign_page(request, patient, on_signed, on_already_signed=on_signed)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def resign(request, token):
    """Sign again from the status link: after revoking, after expiry, or when a new version requires it."""
    patient = Patient.objects.from_status_token_or_404(token)
    if not needs_signature(patient):
        messages.info(request, _("Your authorization is active. There is nothing to sign."))
        return redirect("patient:status", token=token)

    def on_signed():
        messages.success(request, _("Thank you. Your authorization is signed, and we are looking for trials for you."))
        return redirect("patient:status", token=token)

    def on_already_signed():
        messages.info(request, _("Your authorization is active. There is nothing to sign."))
        return redirect("patient:status", token=token)

    return _sign_page(request, patient, on_signed, on_already_signed)


def done(request):
    """The confirmation, with the private link, shown once: a shared or kiosk computer must not show the next
    person the link (it is e-mailed too). Later visits from the same browser say where to find it."""
    patient_id = request.session.pop(SIGNED_PATIENT_KEY, None)
    patient = Patient.objects.active().filter(pk=patient_id).first() if patient_id else None
    if patient is None:
        if request.session.get(DONE_SHOWN_KEY):
            return render(request, "consent/done_again.html")
        return redirect("intake:landing")
    request.session[DONE_SHOWN_KEY] = True
    token = patient.status_token()
    status_url = request.build_absolute_uri(reverse("patient:status", args=[token]))
    return render(request, "consent/done.html", {"patient": patient, "status_url": status_url, "token": token})


def _signed_authorization(patient):
    authorization = patient.authorizations.select_related("text").order_by("-signed_at").first()
    if authorization is None:
        raise Http404
    return authorization


def copy(request, token):
    patient = Patient.objects.from_status_token_or_404(token)
    authorization = _signed_authorization(patient)
    return render(request, "consent/copy.html", {
        "authorization": authorization, "patient": patient, "token": token, "verified": authorization.verify(),
        "signed_as": relationship_label(authorization.signer_relationship, patient.sex),
        # Times read in the patient's own zone (from their ZIP code) beside UTC, as recorded.
        "patient_time_zone": zip_time_zone(patient.postal_code),
    })


def copy_pdf(request, token):
    patient = Patient.objects.from_status_token_or_404(token)
    authorization = _signed_authorization(patient)
    response = HttpResponse(authorization_pdf(authorization), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="authorization-{patient.reference}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def revoke(request, token):
    patient = Patient.objects.from_status_token_or_404(token)
    if current_authorization(patient) is None and not patient.authorizations.filter(revocation__isnull=True).exists():
        messages.info(request, _("Your authorization is already revoked or has expired."))
        return redirect("patient:status", token=token)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_authorization(patient=patient, ip_address=client_ip(request),
                                 user_agent=request.META.get("HTTP_USER_AGENT", ""))
        except ConsentError as error:
            messages.info(request, str(error))
        else:
            # Say only what is true: TrialBridge stops; what study teams already received stays with them,
            # and the answers stay on file until the patient asks for erasure.
            messages.success(request, REVOKED_MESSAGE)
        return redirect("patient:status", token=token)
    return render(request, "consent/revoke.html", {"form": form, "patient": patient, "token": token})


NEW_LINK_SENT = _lazy(
    "If a TrialBridge record has this e-mail address and date of birth, we have sent a new private link to that "
    "address. It can take a few minutes to arrive. Earlier links to that record no longer open."
)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def new_status_link(request):
    """Ask for a fresh private link, sent by e-mail; the answer is the same whether or not the patient exists."""
    form = NewStatusLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        send_new_status_links(email=form.cleaned_data["email"], birth_date=form.cleaned_data["birth_date"])
        messages.success(request, NEW_LINK_SENT)
        return redirect("consent:new_status_link")
    return render(request, "consent/new_status_link.html", {"form": form})
