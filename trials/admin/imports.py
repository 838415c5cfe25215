"""ClinicalTrials.gov imports started from the admin: upload a file, watch the run."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from .. import tasks
from ..models import ImportRun

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="API v2 JSON (study, array, API page, JSON Lines; .gz too) or legacy XML "
                                     "(.xml or .tar.gz of them).")
    force = forms.BooleanField(required=False, help_text="Re-apply records even when unchanged.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Files up to 200 MB; import larger ones with manage.py import_ctgov.")
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "filename", "state", "created_by", "counts", "finished_at"]
    list_filter = ["state"]
    readonly_fields = ["filename", "source_path", "only_refs", "force", "state", "created_by", "created_at",
                       "started_at", "finished_at", "report_block"]
    fields = readonly_fields

    @admin.display(description="result")
    def counts(self, run):
        s = run.summary or {}
        if not s:
            return "—"
        return (f"read {s.get('read', 0)}, created {s.get('created', 0)}, updated {s.get('updated', 0)}, "
                f"unchanged {s.get('unchanged', 0)}, skipped {s.get('skipped', 0)}")

    @admin.display(description="report")
    def report_block(self, run):
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", run.report or "Not finished yet.")

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            run = tasks.start_import_run(filename=upload.name, payload=upload.read(),
                                            force=form.cleaned_data["force"], user=request.user)
            self.message_user(request, f"Import of {upload.name} queued; this page shows its result when done.")
            return redirect("admin:trials_importrun_change", run.pk)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": "Import trials from ClinicalTrials.gov"}
        return TemplateResponse(request, "admin/trials/importrun/upload.html", context)


