from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.core import checks


class TrialBridgeAdminConfig(AdminConfig):
    default_site = "config.admin.TrialBridgeAdminSite"


class ProjectConfig(AppConfig):
    """The project's own plumbing, as an app so its system checks are registered once Django is ready."""

    name = "config"
    verbose_name = "TrialBridge"

    def ready(self):
        from . import criteria_preview  # noqa: F401  (answers the criteria builder's preview)
        from .checks import production_settings

        checks.register(production_settings, checks.Tags.security)
