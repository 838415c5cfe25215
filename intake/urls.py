from django.urls import path

from . import views
from .views_details import edit_details

app_name = "intake"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("intake/", views.IntakeWizard.as_view(url_name="intake:step"), name="wizard"),
    path("intake/<slug:step>/", views.IntakeWizard.as_view(url_name="intake:step"), name="step"),
    path("status/<str:token>/answers/", views.edit_answers, name="edit_answers"),
    path("status/<str:token>/details/", edit_details, name="edit_details"),
]
