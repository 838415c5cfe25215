"""The queue's filters: what a coordinator narrows the day's work by (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from trials.models import Trial

from .models import Match, Status, Trigger, Verdict

KM_PER_MILE = 1.609344


class QueueFilter(django_filters.FilterSet):
    trial = django_filters.ModelChoiceFilter(queryset=Trial.objects.none(), label=_("Trial"))
    status = django_filters.ChoiceFilter(choices=[c for c in Status.choices if c[0] != Status.WITHDRAWN],
                                         label=_("Status"))
    verdict = django_filters.ChoiceFilter(choices=[c for c in Verdict.choices if c[0] != Verdict.NOT_ELIGIBLE],
                                          label=_("Verdict"))
    trigger = django_filters.ChoiceFilter(choices=Trigger.choices, label=_("Matched because of"))
    urgent = django_filters.BooleanFilter(label=_("Urgent only"), widget=forms.CheckboxInput,
                                          method="filter_urgent")
    within_miles = django_filters.NumberFilter(label=_("Within (miles)"), method="filter_within_miles", min_value=0)
    matched_from = django_filters.DateFilter(field_name="first_matched_at", lookup_expr="date__gte",
                                             label=_("Matched from"), widget=forms.DateInput(attrs={"type": "date"}))
    matched_to = django_filters.DateFilter(field_name="first_matched_at", lookup_expr="date__lte",
                                           label=_("Matched to"), widget=forms.DateInput(attrs={"type": "date"}))
    ordering = django_filters.OrderingFilter(
        fields=(("score", "score"), ("first_matched_at", "matched"), ("nearest_site_km", "distance")),
        field_labels={"score": _("Score"), "first_matched_at": _("Date matched"), "nearest_site_km": _("Distance")},
        label=_("Sort by"),
    )

    class Meta:
        model = Match
        fields = ["trial", "status", "verdict", "trigger", "urgent"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["trial"].queryset = Trial.objects.for_user(user).order_by("ref")

    def filter_urgent(self, queryset, name, value):
        return queryset.filter(urgent=True) if value else queryset

    def filter_within_miles(self, queryset, name, value):
        # Stored in km like the engine's output; coordinators in the US think in miles.
        return queryset.filter(nearest_site_km__lte=float(value) * KM_PER_MILE)
