from django.contrib import admin
from django.db.models import Exists, OuterRef

from consent.services import log_access

from .models import Match, MatchEvent, Status, TaskFailure, TaskHeartbeat


class MatchEventInline(admin.TabularInline):
    model = MatchEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "kind", "actor", "from_status", "to_status", "contact_method", "contact_outcome",
                       "assignee", "questions", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReachedStageFilter(admin.SimpleListFilter):
    """Matches any status change ever took to a stage: the dashboard's funnel counts link here."""

    title = "ever reached"
    parameter_name = "reached"

    def lookups(self, request, model_admin):
        return [(status.value, status.label) for status in Status if status != Status.NEW]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        reached = MatchEvent.objects.filter(match=OuterRef("pk"), kind=MatchEvent.Kind.STATUS, to_status=self.value())
        return queryset.filter(Exists(reached))


class CandidateFilter(admin.SimpleListFilter):
    """Matches the engine did not rule out, as the funnel's "matched" counts them."""

    title = "candidate"
    parameter_name = "candidate"

    def lookups(self, request, model_admin):
        return [("yes", "Eligible or possibly eligible")]

    def queryset(self, request, queryset):
        return queryset.exclude(verdict="not_eligible") if self.value() == "yes" else queryset


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["patient", "trial", "verdict", "score", "status", "owner", "urgent", "distance_miles",
                    "first_matched_at"]
    list_filter = ["verdict", "status", CandidateFilter, ReachedStageFilter, "urgent", "trigger", "trial__team"]
    search_fields = ["patient__reference", "trial__ref"]
    readonly_fields = ["patient", "trial", "verdict", "score", "reasons", "questions", "nearest_site",
                       "distance_miles", "owner", "new_information", "requested_questions",
                       "status", "urgent", "trigger", "engine_version", "first_matched_at",
                       "evaluated_at", "status_changed_at", "notified_at"]
    inlines = [MatchEventInline]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("patient", "trial", "owner")

    @admin.display(description="Distance (mi)", ordering="nearest_site_km")
    def distance_miles(self, match):
        return "–" if match.nearest_site_miles is None else f"{match.nearest_site_miles:.0f}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        match = self.get_object(request, object_id)
        if match:
            log_access(user=request.user, patient=match.patient, action="admin: view match", reason="administration",
                       path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the system writes; admins read them and may clear old failures, nothing else."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TaskFailure)
class TaskFailureAdmin(ReadOnlyAdmin):
    list_display = ["failed_at", "task_name", "exception_type", "args", "task_id"]
    list_filter = ["task_name", "exception_type"]
    date_hierarchy = "failed_at"


@admin.register(TaskHeartbeat)
class TaskHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["task_name", "last_success_at"]
