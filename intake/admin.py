from django.contrib import admin

from .models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    """Patients are created by the intake only; the admin reads them (each read is logged by consent's admin hook)."""

    list_display = ["reference", "condition_code", "language", "is_minor", "urgent", "created_at", "matched_at",
                    "possible_duplicate_of"]
    list_filter = ["language", "is_minor", "urgent", "sex"]
    search_fields = ["reference", "email"]
    readonly_fields = [field.name for field in Patient._meta.fields]

    def has_add_permission(self, request):
        return False
