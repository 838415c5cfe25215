from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from consent import views as consent_views
from matches.views import patient as patient_views

from . import health

# The patient's own pages come from three apps. The two that pages of a lower app lead to (signing, after the
# intake; the status page, from everywhere) are named here, where every app may name them: intake and consent
# then never name a URL of an app above them.
patient_pages = [
    path("authorize/", consent_views.sign, name="sign"),
    # Also consent:new_status_link (the same view at the same address): the intake's "already signed" page
    # leads here.
    path("status-link/", consent_views.new_status_link, name="new_status_link"),
    path("status/<str:token>/", patient_views.patient_status, name="status"),
]

urlpatterns = [
    path("", include((patient_pages, "patient"))),
    path("", include("intake.urls")),
    path("", include("consent.urls")),
    path("", include("matches.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
]

