from django.contrib import admin

from .models import Site, Trial, TrialTeam
from .services import trial_matching_inputs_changed


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


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = ["ref", "short_title", "overall_status", "team", "source", "min_age_years", "max_age_years",
                    "sex", "site_count", "matched_at"]
    list_filter = ["overall_status", "source", "team", "sex", CuratedFilter]
    search_fields = ["ref", "title", "conditions", "condition_codes", "sponsor"]
    inlines = [SiteInline]
    readonly_fields = ["created_at", "updated_at", "criteria_changed_at", "matched_at", "record_version",
                       "record_sha256", "unmapped_conditions"]
    fieldsets = [
        (None, {"fields": ["ref", "source", "title", "title_es", "brief_summary", "brief_summary_es", "sponsor", "team"]}),
        ("Who can take part", {"fields": ["overall_status", "phases", "conditions", "condition_codes",
                                          "unmapped_conditions", "min_age_years", "max_age_years", "sex",
                                          "healthy_volunteers"]}),
        ("Criteria", {"fields": ["criteria", "criteria_suggestions", "eligibility_text"]}),
        ("Record", {"fields": ["keywords", "contacts", "last_update_date", "record_version", "record_sha256",
                               "created_at", "updated_at", "criteria_changed_at", "matched_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team")

    @admin.display(description="title")
    def short_title(self, trial):
        return trial.title[:70]

    @admin.display(description="sites")
    def site_count(self, trial):
        return trial.sites.count()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines too: sites are matching inputs (distance, travel radius).
        trial_matching_inputs_changed(form.instance)


@admin.register(TrialTeam)
class TrialTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "digest_email", "member_count", "trial_count"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    @admin.display(description="members")
    def member_count(self, team):
        return team.members.count()

    @admin.display(description="trials")
    def trial_count(self, team):
        return team.trials.count()
