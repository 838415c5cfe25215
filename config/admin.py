from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device


class TrialBridgeAdminSite(admin.AdminSite):
    """The Django admin, with the staff member's optional two-factor honoured here too.

    Someone who turned TOTP on must pass a code before the admin opens, as for the coordinator pages;
    someone who did not is not asked (two-factor is optional for staff).
    """

    site_header = "TrialBridge administration"
    site_title = "TrialBridge admin"

    def has_permission(self, request):
        return super().has_permission(request) and self._second_factor_done(request)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and not self._second_factor_done(request):
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('matches:two_factor_verify')}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)

    @staticmethod
    def _second_factor_done(request):
        user = request.user
        return not user.is_authenticated or not user_has_device(user) or user.is_verified()
