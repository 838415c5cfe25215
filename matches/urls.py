from django.urls import path

from .views import coordinator, dashboard, patient, queue, two_factor, urgent

app_name = "matches"
urlpatterns = [
    path("coordinator/", queue.queue, name="queue"),
    path("coordinator/export.csv", queue.export_csv, name="export"),
    path("coordinator/bulk-status/", queue.bulk_status, name="bulk_status"),
    path("coordinator/bulk-assign/", queue.bulk_assign, name="bulk_assign"),
    path("coordinator/next/", queue.next_match, name="next"),
    path("coordinator/dashboard/", dashboard.dashboard, name="dashboard"),
    path("coordinator/urgent/", urgent.urgent_patients, name="urgent"),
    path("coordinator/matches/<int:pk>/", coordinator.detail, name="detail"),
    path("coordinator/matches/<int:pk>/status/", coordinator.change_status, name="change_status"),
    path("coordinator/matches/<int:pk>/owner/", coordinator.assign, name="assign"),
    path("coordinator/matches/<int:pk>/notes/", coordinator.add_note, name="add_note"),
    path("coordinator/matches/<int:pk>/contacts/", coordinator.log_contact, name="log_contact"),
    path("coordinator/matches/<int:pk>/authorization/", coordinator.authorization_copy, name="authorization"),
    path("accounts/two-factor/", two_factor.setup, name="two_factor_setup"),
    # The patient's own pages about one match, under their private status link (patient:status).
    path("status/<str:token>/share/<int:match_id>/", patient.share, name="share"),
    path("status/<str:token>/share/<int:match_id>/pdf/", patient.share_pdf, name="share_pdf"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
]
