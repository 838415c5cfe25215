"""Trial teams and the routing rules through which they own trials."""

from django import forms
from django.contrib import admin

from .. import services
from ..models import RoutingRule, TrialTeam, comma_list


class CommaListField(forms.CharField):
    """A list typed as "a, b, c"."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return comma_list(value)


class RoutingRuleForm(forms.ModelForm):
    condition_codes = CommaListField(help_text="Vocabulary codes, comma-separated, e.g. onc:LUNG, onc:BREAST; a code "
                                               "covers everything below it.")
    states = CommaListField(required=False, help_text="Only trials with a site in one of these states, as the "
                                                      "registry writes them (Texas, New York); empty for any.")
    cities = CommaListField(required=False, help_text="Only trials with a site in one of these cities; empty for "
                                                      "any.")

    class Meta:
        model = RoutingRule
        fields = ["condition_codes", "states", "cities", "priority"]


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    form = RoutingRuleForm
    extra = 1


@admin.register(TrialTeam)
class TrialTeamAdmin(admin.ModelAdmin):
    list_display = ["name", "digest_email", "member_count", "trial_count", "rule_count"]
    search_fields = ["name"]
    filter_horizontal = ["members"]
    inlines = [RoutingRuleInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            changed = services.route_trials()
            self.message_user(request, f"Routing rules applied: {changed} trial(s) changed team.")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.route_trials()  # its routed trials go to another team's rules, or to none

    @admin.display(description="routing rules")
    def rule_count(self, team):
        return team.routing_rules.count()

    @admin.display(description="members")
    def member_count(self, team):
        return team.members.count()

    @admin.display(description="trials")
    def trial_count(self, team):
        return team.trials.count()
