"""One ClinicalTrials.gov import started from the admin."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One ClinicalTrials.gov import started from the admin: the file, and what came of it.

    The uploaded bytes live in the database, not on local disk, so a worker on any machine can run it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    filename = models.CharField(max_length=255)
    payload = models.BinaryField(null=True, editable=False)
    source_path = models.CharField(
        max_length=500, blank=True, help_text="A file on the server, for re-imports of trials imported by command."
    )
    only_refs = models.JSONField(default=list, blank=True, help_text="Import only these NCT ids (empty: all).")
    force = models.BooleanField(default=False, help_text="Re-apply records even when unchanged.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    summary = models.JSONField(default=dict, blank=True)
    report = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"
