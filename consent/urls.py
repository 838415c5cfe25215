from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("authorize/done/", views.done, name="done"),
    path("status-link/", views.new_status_link, name="new_status_link"),
    path("status/<str:token>/authorization/", views.copy, name="copy"),
    path("status/<str:token>/authorization.pdf", views.copy_pdf, name="copy_pdf"),
    path("status/<str:token>/authorization/sign/", views.resign, name="resign"),
    path("status/<str:token>/revoke/", views.revoke, name="revoke"),
]
