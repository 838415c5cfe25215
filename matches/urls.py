from django.urls import path

from .views import coordinator, patient

app_name = "matches"
urlpatterns = [
    path("status/<str:token>/", patient.patient_status, name="patient_status"),
    path("coordinator/", coordinator.queue, name="queue"),
    path("coordinator/matches/<int:pk>/", coordinator.detail, name="detail"),
    path("coordinator/matches/<int:pk>/status/", coordinator.change_status, name="change_status"),
    path("coordinator/matches/<int:pk>/notes/", coordinator.add_note, name="add_note"),
]
