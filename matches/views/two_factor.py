"""Optional TOTP two-factor sign-in for staff (django-otp).

A staff member who sets up an authenticator app must give a code after their password on every
sign-in; coordinator pages send an unverified session here first.
"""

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.forms import OTPTokenForm
from django_otp.plugins.otp_totp.models import TOTPDevice


class ConfirmTokenForm(forms.Form):
    token = forms.CharField(label=gettext_lazy("Six-digit code from your app"), max_length=8,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("matches:queue")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not user_has_device(request.user) or request.user.is_verified():
        return redirect(_next_url(request))
    form = OTPTokenForm(request.user, request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, request.user.otp_device)
        return redirect(_next_url(request))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    if user_has_device(request.user):
        if not request.user.is_verified():
            return redirect(f"{reverse('matches:two_factor_verify')}?next={request.path}")
        return _manage(request)
    # One pending (unconfirmed) device per person, reused until they confirm it.
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first() or TOTPDevice.objects.create(
        user=request.user, name="Authenticator app", confirmed=False)
    form = ConfirmTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on. You will be asked for a code each time."))
            return redirect("matches:queue")
        form.add_error("token", _("That code did not match. Check your phone's clock and try the newest code."))
    return render(request, "registration/otp_setup.html", {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": b32encode(device.bin_key).decode(),
    })


def _manage(request):
    form = OTPTokenForm(request.user, request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Turning it off asks for a fresh code, so a session left open cannot quietly remove it.
        TOTPDevice.objects.filter(user=request.user).delete()
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("matches:queue")
    return render(request, "registration/otp_manage.html", {"form": form})
