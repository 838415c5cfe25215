from django.apps import AppConfig


class MatchesConfig(AppConfig):
    name = "matches"
    verbose_name = "Matches"

    def ready(self):
        # The lower apps announce events (signed, revoked, answers changed, criteria changed);
        # matches is the only app that knows what to do about them.
        from . import criteria_preview, receivers  # noqa: F401
