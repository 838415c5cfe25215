"""The queue's filters: what a coordinator narrows the day's work by (django-filter)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from trials.models import Trial

from .models import Match, Status, Trigger, Verdict

KM_PER_MILE = 1.609344


def person_name(user):
    return user.get_full_name() or user.username


class QueueFilter(django_filters.FilterSet):
    trial = django_filters.ModelChoiceFilter(queryset=Trial.objects.none(), label=_("Trial"),
                                             empty_label=_("All trials"))
    status = django_filters.ChoiceFilter(choices=[c for c in Status.choices if c[0] != Status.WITHDRAWN],
                                         label=_("Status"), empty_label=_("Any status"))
    owner = django_filters.ChoiceFilter(choices=(), label=_("Owner"), empty_label=_("Anyone"),
                                        method="filter_owner")
    verdict = django_filters.ChoiceFilter(choices=[c for c in Verdict.choices if c[0] != Verdict.NOT_ELIGIBLE],
                                          label=_("Verdict"), empty_label=_("Any verdict"))
    trigger = django_filters.ChoiceFilter(choices=Trigger.choices, label=_("Matched because of"),
                                          empty_label=_("Any reason"))
    urgent = django_filters.BooleanFilter(label=_("Urgent only"), widget=forms.CheckboxInput,
                                          method="filter_urgent")
    new_information = django_filters.BooleanFilter(label=_("New information only"), widget=forms.CheckboxInput,
                                                   method="filter_new_information")
    within_miles = django_filters.NumberFilter(label=_("Within (miles)"), method="filter_within_miles", min_value=0)
    matched_from = django_filters.DateFilter(field_name="first_matched_at", lookup_expr="date__gte",
                                             label=_("Matched from"), widget=forms.DateInput(attrs={"type": "date"}))
    matched_to = django_filters.DateFilter(field_name="first_matched_at", lookup_expr="date__lte",
                                           label=_("Matched to"), widget=forms.DateInput(attrs={"type": "date"}))
    ordering = django_filters.OrderingFilter(
        fields=(("score", "score"), ("first_matched_at", "matched"), ("nearest_site_km", "distance"),
                ("status_changed_at", "waiting")),
        # The score itself is never shown: "fit" is the engine's verdict, then criteria met, then closeness.
        choices=[
            ("-score", _("Best fit first")), ("score", _("Weakest fit first")),
            ("-matched", _("Newest match first")), ("matched", _("Oldest match first")),
            ("distance", _("Nearest site first")), ("-distance", _("Farthest site first")),
            ("waiting", _("Waiting longest first")), ("-waiting", _("Waiting shortest first")),
        ],
        label=_("Sort by"), empty_label=_("Urgent, then new information, then best fit"),
    )

    class Meta:
        model = Match
        fields = ["trial", "status", "owner", "verdict", "trigger", "urgent"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["trial"].queryset = Trial.objects.for_user(user).order_by("ref")
        colleagues = get_user_model().objects.filter(
            is_active=True, trial_teams__in=user.trial_teams.all()).distinct().order_by("username")
        self.filters["owner"].extra["choices"] = [("mine", _("Mine")), ("none", _("Unassigned"))] + [
            (str(person.pk), person_name(person)) for person in colleagues if person.pk != user.pk]

    def filter_owner(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(owner=self.user)
        if value == "none":
            return queryset.filter(owner__isnull=True)
        return queryset.filter(owner_id=int(value))

    def filter_urgent(self, queryset, name, value):
        return queryset.filter(urgent=True) if value else queryset

    def filter_new_information(self, queryset, name, value):
        return queryset.filter(new_information=True) if value else queryset

    def filter_within_miles(self, queryset, name, value):
        # Stored in km like the engine's output; coordinators in the US think in miles.
        return queryset.filter(nearest_site_km__lte=float(value) * KM_PER_MILE)
