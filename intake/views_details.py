"""The patient's "change my details" page, under their private status link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .details import DetailsForm
from .forms.choices import kind_of
from .models import Patient
from .services import change_details


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def edit_details(request, token):
    """Name, e-mail, phone and condition; a new condition is matched again in the background."""
    patient = Patient.objects.from_status_token_or_404(token)
    form = DetailsForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        before = patient.condition_code
        data = form.cleaned_data
        change_details(patient=patient, full_name=data["full_name"], email=data["email"], phone=data["phone"],
                       condition_code=data["condition_code"])
        if data["condition_code"] == before:
            messages.success(request, _("Thank you. Your details are saved."))
        elif kind_of(data["condition_code"]) != kind_of(before):
            # Cancer and mental-health or pain conditions ask different questions: lead straight to them.
            messages.success(request, _("Thank you. Your details are saved and we are checking your matches "
                                        "again. Your new condition has its own questions: answer what you can."))
            return redirect("intake:edit_answers", token=token)
        else:
            messages.success(request, _("Thank you. Your details are saved and we are checking your matches "
                                        "again."))
        return redirect("patient:status", token=token)
    return render(request, "intake/details.html", {"form": form, "patient": patient, "token": token})
