import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from trials.models import Trial

from .models import Match, Status, Verdict


class QueueFilter(django_filters.FilterSet):
    trial = django_filters.ModelChoiceFilter(queryset=Trial.objects.none(), label=_("Trial"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    verdict = django_filters.ChoiceFilter(choices=[c for c in Verdict.choices if c[0] != Verdict.NOT_ELIGIBLE],
                                          label=_("Verdict"))
    urgent = django_filters.BooleanFilter(label=_("Urgent only"), widget=forms.CheckboxInput,
                                          method="filter_urgent")
    ordering = django_filters.OrderingFilter(
        fields=(("score", "score"), ("first_matched_at", "matched"), ("nearest_site_km", "distance")),
        label=_("Sort by"),
    )

    class Meta:
        model = Match
        fields = ["trial", "status", "verdict", "urgent"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["trial"].queryset = Trial.objects.for_user(user).order_by("ref")

    def filter_urgent(self, queryset, name, value):
        return queryset.filter(urgent=True) if value else queryset


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=())
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, match, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in match.allowed_transitions()]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
