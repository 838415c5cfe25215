from django.urls import path

from .views import coordinator, dashboard, queue, two_factor

app_name = "matches"
urlpatterns = [
    path("coordinator/", queue.queue, name="queue"),
    path("coordinator/export.csv", queue.export_csv, name="export"),
    path("coordinator/bulk-status/", queue.bulk_status, name="bulk_status"),
    path("coordinator/bulk-assign/", queue.bulk_assign, name="bulk_assign"),
    path("coordinator/next/", queue.next_match, name="next"),
    path("coordinator/dashboard/", dashboard.dashboard, name="dashboard"),
    path("coordinator/matches/<int:pk>/", coordinator.detail, name="detail"),
    path("coordinator/matches/<int:pk>/status/", coordinator.change_status, name="change_status"),
    path("coordinator/matches/<int:pk>/owner/", coordinator.assign, name="assign"),
    path("coordinator/matches/<int:pk>/notes/", coordinator.add_note, name="add_note"),
    path("coordinator/matches/<int:pk>/contacts/", coordinator.log_contact, name="log_contact"),
    path("coordinator/matches/<int:pk>/authorization/", coordinator.authorization_copy, name="authorization"),
    path("accounts/two-factor/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor.verify, name="two_factor_verify"),
]
