from django.contrib.admin.apps import AdminConfig


class TrialBridgeAdminConfig(AdminConfig):
    default_site = "config.admin.TrialBridgeAdminSite"
