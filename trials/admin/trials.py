"""Trials: the list, curation apart from the registry, status confirmation, team adoption, re-imports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .. import services, tasks
from ..builder.admin import CriteriaBuilderMixin
from ..models import Site, Trial, TrialTeam
from ..services import trial_matching_inputs_changed


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ["facility", "city", "state", "postal_code", "country", "latitude", "longitude", "status"]


class CuratedFilter(admin.SimpleListFilter):
    title = "curated criteria"
    parameter_name = "curated"

    def lookups(self, request, model_admin):
        return [("yes", "Has curated criteria"), ("no", "Structured fields only")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(criteria__isnull=False)
        if self.value() == "no":
            return queryset.filter(criteria__isnull=True)
        return queryset


class MappedFilter(admin.SimpleListFilter):
    title = "condition codes"
    parameter_name = "mapped"

    def lookups(self, request, model_admin):
        return [("yes", "Mapped to vocabulary codes"), ("no", "No codes (will not match)"),
                ("partly", "Some listed conditions unmapped")]

    def queryset(self, request, queryset):
        no_codes = Q(condition_codes=[]) | Q(condition_codes__isnull=True)
        if self.value() == "yes":
            return queryset.exclude(no_codes)
        if self.value() == "no":
            return queryset.filter(no_codes)
        if self.value() == "partly":
            return queryset.exclude(no_codes).exclude(unmapped_conditions=[])
        return queryset


class StatusConfirmedFilter(admin.SimpleListFilter):
    title = "recruiting status"
    parameter_name = "status_check"

    def lookups(self, request, model_admin):
        return [("confirmed", "Recruiting, verified within 12 months"),
                ("not_confirmed", "Recruiting, status not confirmed")]

    def queryset(self, request, queryset):
        if self.value() == "confirmed":
            return queryset.recruiting()
        if self.value() == "not_confirmed":
            return queryset.recruiting_not_confirmed()
        return queryset


class CurationFilter(admin.SimpleListFilter):
    title = "curated condition codes"
    parameter_name = "curated_codes"

    def lookups(self, request, model_admin):
        return [("yes", "Curated codes override the registry's"),
                ("changed", "Registry changed since curation")]

    def queryset(self, request, queryset):
        curated = queryset.filter(curated_condition_codes__isnull=False)
        if self.value() == "yes":
            return curated
        if self.value() == "changed":
            changed = [t.pk for t in curated.exclude(curated_registry_snapshot={}) if t.registry_disagreements()]
            return queryset.filter(pk__in=changed)
        return queryset


class PendingSuggestionsFilter(admin.SimpleListFilter):
    title = "suggested criteria"
    parameter_name = "suggestions"

    def lookups(self, request, model_admin):
        return [("pending", "Has suggestions to review")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(criteria_suggestions__icontains='"status": "pending"')
        return queryset


@admin.register(Trial)
class TrialAdmin(CriteriaBuilderMixin, admin.ModelAdmin):
    list_display = ["ref", "short_title", "status", "team", "source", "min_age_years", "max_age_years",
                    "sex", "site_count", "codes", "items", "matched_at"]
    list_filter = ["overall_status", StatusConfirmedFilter, "source", MappedFilter, CurationFilter, CuratedFilter,
                   PendingSuggestionsFilter, "team", "sex"]
    search_fields = ["ref", "title", "conditions", "condition_codes", "sponsor"]
    inlines = [SiteInline]
    actions = ["confirm_recruiting_status", "reimport_from_file", "assign_to_team", "return_to_routing_rules"]
    readonly_fields = ["created_at", "updated_at", "criteria_changed_at", "matched_at", "record_version",
                       "record_sha256", "unmapped_conditions", "import_origin", "import_run", "understood_items",
                       "suggestions_link", "status_freshness", "status_confirmed_at", "status_confirmed_by",
                       "registry_condition_codes", "registry_condition_sources", "registry_disagreement",
                       "ownership"]
    # What a re-import rewrites: read-only on registry trials, so nobody curates a field the next import erases.
    registry_fields = ["ref", "source", "title", "brief_summary", "sponsor", "overall_status", "phases",
                       "conditions", "condition_codes", "min_age_years", "max_age_years", "sex", "healthy_volunteers",
                       "eligibility_text", "keywords", "contacts", "last_update_date", "status_verified_date"]
    fieldsets = [
        (None, {"fields": ["ref", "source", "title", "title_es", "brief_summary", "brief_summary_es", "sponsor", "team",
                           "ownership"]}),
        ("For patients", {"fields": ["plain_summary", "plain_summary_es"],
                          "description": "Plain-language summaries an admin writes; patients read them instead of "
                                         "the registry's summary. Imports never change them."}),
        ("Status", {"fields": ["overall_status", "status_freshness", "status_verified_date", "last_update_date",
                               "status_confirmed_at", "status_confirmed_by"]}),
        ("Who can take part", {"fields": ["phases", "conditions", "registry_condition_codes",
                                          "registry_condition_sources",
                                          "curated_condition_codes", "condition_codes", "registry_disagreement",
                                          "unmapped_conditions", "min_age_years", "max_age_years", "sex",
                                          "healthy_volunteers"]}),
        ("Criteria", {"fields": ["criteria", "suggestions_link", "understood_items", "eligibility_text"]}),
        ("Record", {"fields": ["keywords", "contacts", "record_version", "record_sha256",
                               "import_origin", "import_run", "created_at", "updated_at", "criteria_changed_at",
                               "matched_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.source == Trial.Source.CTGOV:
            fields += [f for f in self.registry_fields if f not in fields]
        else:
            fields.remove("registry_condition_codes")
            fields.remove("registry_condition_sources")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.source == Trial.Source.CTGOV:
            return fieldsets
        # A trial entered here has no registry: its codes are edited directly.
        hidden = {"registry_condition_codes", "registry_condition_sources", "curated_condition_codes",
                  "registry_disagreement"}
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]}) for name, opts in fieldsets]

    def save_model(self, request, obj, form, change):
        self._note_adoption(obj, form)
        if obj.source == Trial.Source.CTGOV:
            obj.apply_curated_codes()
        curated = {"curated_condition_codes", "criteria"} & set(form.changed_data)
        if curated and obj.source == Trial.Source.CTGOV:
            # Remember what the registry said when this was curated: a later import shows what changed since.
            obj.curated_registry_snapshot = obj.registry_snapshot()
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team")

    def _note_adoption(self, trial, form):
        """A team chosen here adopts the trial (rules and imports leave it alone); an emptied team hands it back
        to the routing rules, which trial_matching_inputs_changed applies after the save."""
        if "team" in form.changed_data:
            trial.team_routed = False

    @admin.display(description="ownership")
    def ownership(self, trial):
        if trial.team_id is None:
            return ("No team: patients read that the trial is listed in the public registry, with the registry's "
                    "contacts. Choose a team, or add a routing rule to a team.")
        how = "by a routing rule" if trial.team_routed else "adopted (routing rules leave it alone)"
        staffed = "" if trial.team.is_staffed() else "; the team has no active member, so nobody works its matches"
        return f"{trial.team} ({how}{staffed})"

    @admin.action(description="Assign to a team (adopt)")
    def assign_to_team(self, request, queryset):
        form = AssignTeamForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            team = form.cleaned_data["team"]
            count = services.assign_trials(trials=queryset, team=team)
            self.message_user(request, f"{count} trial(s) adopted by {team}; routing rules leave them alone.")
            return None
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "trials": queryset[:200], "count": queryset.count(), "title": "Assign trials to a team",
                   "action_checkbox_name": ACTION_CHECKBOX_NAME,
                   "selected": queryset.values_list("pk", flat=True)}
        return TemplateResponse(request, "admin/trials/trial/assign_team.html", context)

    @admin.action(description="Hand back to the routing rules")
    def return_to_routing_rules(self, request, queryset):
        count = services.assign_trials(trials=queryset, team=None)
        self.message_user(request, f"{count} trial(s) now follow the teams' routing rules.")

    @admin.display(description="title")
    def short_title(self, trial):
        return trial.title[:70]

    @admin.display(description="status", ordering="overall_status")
    def status(self, trial):
        return trial.status_label()

    @admin.display(description="status check")
    def status_freshness(self, trial):
        if trial.overall_status != Trial.Status.RECRUITING:
            return "—"
        if not trial.status_confirmed():
            checked = trial.status_checked_on.isoformat() if trial.status_checked_on else "never"
            return (f"Not confirmed: last verified {checked}. Not matched as recruiting until a re-import or "
                    "an admin confirms it (action \"Confirm recruiting status\").")
        return f"Confirmed (last verified {trial.status_checked_on.isoformat()})"

    @admin.display(description="registry vs curation")
    def registry_disagreement(self, trial):
        if trial.curated_condition_codes is None and trial.criteria is None:
            return "Not curated: the trial follows the registry."
        changes = trial.registry_disagreements()
        if not trial.curated_registry_snapshot:
            return "Curated; no record of what the registry said then."
        if not changes:
            return "The registry has not changed since this trial was curated."
        names = {"conditions": "Conditions listed", "condition_codes": "Codes mapped from the registry",
                 "eligibility_text": "Eligibility text"}
        rows = format_html_join(
            "", "<li><b>{}</b>: when curated {}; now {}</li>",
            ((names[key], _short(then), _short(now)) for key, then, now in changes),
        )
        return format_html('<div class="registry-disagreement"><p>The registry changed since this trial was '
                           'curated; the curation still applies. Review:</p><ul>{}</ul></div>', rows)

    @admin.action(description="Confirm recruiting status (checked with the study team)")
    def confirm_recruiting_status(self, request, queryset):
        now = timezone.now()
        confirmed = 0
        for trial in queryset.filter(overall_status=Trial.Status.RECRUITING):
            was_recruiting = trial.is_recruiting()
            trial.status_confirmed_at, trial.status_confirmed_by = now, request.user
            trial.note_status_check(timezone.localdate(now))
            trial.save(update_fields=["status_confirmed_at", "status_confirmed_by", "status_checked_on"])
            if not was_recruiting:
                trial_matching_inputs_changed(trial)  # matched as recruiting again
            confirmed += 1
        skipped = queryset.exclude(overall_status=Trial.Status.RECRUITING).count()
        self.message_user(request, f"Recruiting status confirmed for {confirmed} trial(s).")
        if skipped:
            self.message_user(request, f"{skipped} trial(s) are not recruiting and were left as they are.",
                              level=messages.WARNING)

    @admin.display(description="sites")
    def site_count(self, trial):
        return trial.sites.count()

    @admin.display(description="codes")
    def codes(self, trial):
        return ", ".join(trial.condition_codes or []) or "—"

    @admin.display(description="items understood")
    def items(self, trial):
        total = trial.items_understood + trial.items_not_understood
        return f"{trial.items_understood}/{total}" if total else "—"

    @admin.display(description="eligibility items")
    def understood_items(self, trial):
        if not trial.eligibility_items:
            return "—"
        rows = format_html("<p>{} of {} items understood.</p>", trial.items_understood,
                           trial.items_understood + trial.items_not_understood)
        for item in trial.eligibility_items:
            rows += format_html("<div>{} <b>{}</b>: {}</div>", "✓" if item["understood"] else "✗",
                                item["section"], item["text"])
        return rows

    @admin.display(description="suggested criteria")
    def suggestions_link(self, trial):
        if not trial.pk or not trial.criteria_suggestions:
            return "—"
        pending = sum(1 for s in trial.criteria_suggestions if s.get("status") == "pending")
        return format_html('<a href="{}">Review {} suggestions ({} pending) in the criteria builder</a>',
                           reverse("admin:trials_trial_criteria_builder", args=[trial.pk]),
                           len(trial.criteria_suggestions), pending)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines too: sites are matching inputs (distance, travel radius).
        trial_matching_inputs_changed(form.instance)

    @admin.action(description="Re-import from file (background)")
    def reimport_from_file(self, request, queryset):
        by_run, by_path, lost = {}, {}, []
        for trial in queryset.filter(source=Trial.Source.CTGOV).select_related("import_run"):
            if trial.import_run_id and trial.import_run.payload is not None:
                by_run.setdefault(trial.import_run, []).append(trial.ref)
            elif trial.import_origin:
                # "archive.tar.gz:member" or "file.jsonl line 3" → the file on the server
                source = trial.import_origin.split(" line ")[0].split("[")[0]
                source = source.split(".tar.gz:")[0] + ".tar.gz" if ".tar.gz:" in source else source
                by_path.setdefault(source, []).append(trial.ref)
            else:
                lost.append(trial.ref)
        for run, refs in by_run.items():
            tasks.start_import_run(filename=run.filename, payload=bytes(run.payload), only_refs=refs, force=True,
                                      user=request.user)
        for source, refs in by_path.items():
            tasks.start_import_run(filename=source.rsplit("/", 1)[-1], source_path=source, only_refs=refs,
                                      force=True, user=request.user)
        queued = len(by_run) + len(by_path)
        if queued:
            self.message_user(request, f"Queued {queued} re-import(s); see Import runs for the result.")
        if lost:
            self.message_user(request, f"No file known for: {', '.join(lost[:20])}", level=messages.WARNING)


def _short(value):
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "—"
    text = str(value or "—")
    return text if len(text) <= 300 else text[:300] + "…"


class AssignTeamForm(forms.Form):
    team = forms.ModelChoiceField(TrialTeam.objects.all(), empty_label=None)


