from django.contrib import admin

from intake.admin import PatientAdmin
from intake.models import Patient

from .models import AccessLog, Authorization, AuthorizationText, Revocation
from .services import log_access


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that must never change after they are written: view them, never edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuthorizationText)
class AuthorizationTextAdmin(admin.ModelAdmin):
    list_display = ["version", "status", "title_en", "requires_reconsent", "valid_for_days", "published_at",
                    "short_sha256"]
    list_filter = ["status", "requires_reconsent"]
    readonly_fields = ["sha256", "published_at", "created_at"]

    @admin.display(description="SHA-256")
    def short_sha256(self, text):
        return text.sha256[:16]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != AuthorizationText.Status.DRAFT:
            # Published texts are immutable; only retiring remains possible.
            return [f.name for f in AuthorizationText._meta.fields if f.name != "status"]
        return self.readonly_fields


class RevocationInline(admin.StackedInline):
    model = Revocation
    can_delete = False
    extra = 0
    readonly_fields = ["revoked_at", "method", "ip_address", "user_agent"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnlyAdmin):
    list_display = ["patient", "text", "signed_name", "signer_relationship", "signed_at", "expires_at", "revoked"]
    list_filter = ["signer_relationship", "language", "text"]
    search_fields = ["patient__reference", "signed_name"]
    inlines = [RevocationInline]

    @admin.display(boolean=True)
    def revoked(self, authorization):
        return authorization.is_revoked

    def change_view(self, request, object_id, form_url="", extra_context=None):
        authorization = self.get_object(request, object_id)
        if authorization:
            log_access(user=request.user, patient=authorization.patient, action="admin: view authorization",
                       reason="administration", path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "patient", "action", "reason"]
    list_filter = ["action"]
    search_fields = ["patient__reference", "user__username"]
    date_hierarchy = "at"


class LoggedPatientAdmin(PatientAdmin):
    def change_view(self, request, object_id, form_url="", extra_context=None):
        patient = self.get_object(request, object_id)
        if patient:
            log_access(user=request.user, patient=patient, action="admin: view patient", reason="administration",
                       path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)


# The access log lives here, so the patient admin that writes to it is registered here too.
admin.site.unregister(Patient)
admin.site.register(Patient, LoggedPatientAdmin)
