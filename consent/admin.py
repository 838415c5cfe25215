import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from intake.admin import PatientAdmin
from intake.models import Patient

from .models import AccessLog, Authorization, AuthorizationText, Lapse, Revocation
from .services import (
    ConsentError,
    draft_new_version,
    erase_patient,
    export_patient_data,
    log_access,
    publish_authorization_text,
)


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
    readonly_fields = ["sha256", "published_at", "created_at", "hipaa_elements"]
    actions = ["publish", "new_version_from_this_one"]

    @admin.display(description="SHA-256")
    def short_sha256(self, text):
        return text.sha256[:16]

    @admin.display(description="HIPAA elements (45 CFR 164.508(c))")
    def hipaa_elements(self, text):
        missing = text.missing_elements()
        if not missing:
            return "All present in English and Spanish."
        return "Missing: " + "; ".join(f"{element.label} ({language})" for language, element in missing)

    @staticmethod
    def _stored_status(obj):
        # The stored status, not the instance's: a refused form has already written its values onto the instance.
        if obj is None or obj.pk is None:
            return None
        return AuthorizationText.objects.filter(pk=obj.pk).values_list("status", flat=True).first()

    def get_readonly_fields(self, request, obj=None):
        if self._stored_status(obj) not in (None, AuthorizationText.Status.DRAFT):
            # Published texts are immutable; only retiring remains possible.
            frozen = [f.name for f in AuthorizationText._meta.fields if f.name not in ("id", "status")]
            return [*frozen, "hipaa_elements"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return self._stored_status(obj) in (None, AuthorizationText.Status.DRAFT)

    @admin.action(description="Publish the selected drafts (fixes their SHA-256; no change after)")
    def publish(self, request, queryset):
        for text in queryset.order_by("version"):
            try:
                publish_authorization_text(text=text)
            except (ConsentError, ValidationError) as error:
                message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"Version {text.version}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"Version {text.version} published.", messages.SUCCESS)

    @admin.action(description="New version from this one (a draft copy to edit)")
    def new_version_from_this_one(self, request, queryset):
        for text in queryset.order_by("version"):
            draft = draft_new_version(source=text)
            self.message_user(request, f"Draft version {draft.version} made from version {text.version}.",
                              messages.SUCCESS)


class RevocationInline(admin.StackedInline):
    model = Revocation
    can_delete = False
    extra = 0
    readonly_fields = ["revoked_at", "method", "ip_address", "user_agent"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LapseInline(admin.StackedInline):
    """When the sweep found the authorization ended by itself, why, and when the patient was told."""

    model = Lapse
    can_delete = False
    extra = 0
    readonly_fields = ["reason", "noticed_at", "patient_told_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AuthorizationStateFilter(admin.SimpleListFilter):
    """Where an authorization stands now, as the admins' dashboard counts it (its counts link here)."""

    title = "state now"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("valid", "Valid"), ("revoked", "Revoked"), ("expired", "Expired"), ("superseded", "Needs re-consent")]

    def queryset(self, request, queryset):
        now = timezone.now()
        valid = Authorization.objects.valid(now).values("pk")
        if self.value() == "valid":
            return queryset.filter(pk__in=valid)
        if self.value() == "revoked":
            return queryset.filter(revocation__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revocation__isnull=True, expires_at__lte=now)
        if self.value() == "superseded":
            return queryset.filter(revocation__isnull=True, expires_at__gt=now).exclude(pk__in=valid)
        return queryset


class PatientConsentFilter(admin.SimpleListFilter):
    """Patients not erased whose authorization holds now: the dashboard's "with a valid authorization"."""

    title = "authorization"
    parameter_name = "consent"

    def lookups(self, request, model_admin):
        return [("valid", "Valid now"), ("never", "Never signed")]

    def queryset(self, request, queryset):
        if self.value() == "valid":
            return queryset.filter(erased_at__isnull=True,
                                   pk__in=Authorization.objects.valid().values("patient_id"))
        if self.value() == "never":
            return queryset.active().unsigned()
        return queryset


@admin.register(Authorization)
class AuthorizationAdmin(ReadOnlyAdmin):
    list_display = ["patient", "text", "signed_name", "signer_relationship", "signed_at", "expires_at", "revoked"]
    list_filter = [AuthorizationStateFilter, "signer_relationship", "language", "text"]
    search_fields = ["patient__reference", "signed_name"]
    inlines = [RevocationInline, LapseInline]

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
    actions = ["export_data", "erase_intake"]
    list_display = [*PatientAdmin.list_display, "erased_at"]
    list_filter = [PatientConsentFilter, *PatientAdmin.list_filter]

    def has_delete_permission(self, request, obj=None):
        return False  # a patient is erased on request (blanked), never deleted: the records that must stay point at it

    def change_view(self, request, object_id, form_url="", extra_context=None):
        patient = self.get_object(request, object_id)
        if patient:
            log_access(user=request.user, patient=patient, action="admin: view patient", reason="administration",
                       path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Export everything held about the selected patients (JSON)")
    def export_data(self, request, queryset):
        exports = [
            export_patient_data(patient=patient, user=request.user, path=request.path)
            for patient in queryset.order_by("pk")
        ]
        response = HttpResponse(json.dumps({"patients": exports}, cls=DjangoJSONEncoder, indent=2),
                                content_type="application/json")
        name = exports[0]["reference"] if len(exports) == 1 else "patients"
        response["Content-Disposition"] = f'attachment; filename="trialbridge-export-{name}.json"'
        return response

    @admin.action(description="Erase the selected patients' intake on their request")
    def erase_intake(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(request, "consent/admin/erase_confirm.html", {
                **self.admin_site.each_context(request),
                "title": "Erase intake on request",
                "patients": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            })
        erased = [erase_patient(patient=patient, by=request.user) for patient in queryset]
        self.message_user(request, f"Erased {len(erased)} patient intake(s); authorizations and revocations kept.",
                          messages.SUCCESS)
        return None


# The access log lives here, so the patient admin that writes to it is registered here too.
admin.site.unregister(Patient)
admin.site.register(Patient, LoggedPatientAdmin)
