from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("intake/", views.IntakeWizard.as_view(), name="wizard"),
    path("status/<str:token>/answers/", views.edit_answers, name="edit_answers"),
]
