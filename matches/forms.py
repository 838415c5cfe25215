from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import QueueFilter  # noqa: F401 - its old home; views import it from filters
from .models import TRANSITIONS, MatchEvent, Status


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=())
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, match, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in match.allowed_transitions()]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ContactForm(forms.Form):
    at = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                       format="%Y-%m-%dT%H:%M"))
    method = forms.ChoiceField(label=_("How"), choices=MatchEvent.ContactMethod.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MatchEvent.ContactOutcome.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    mark_contacted = forms.BooleanField(label=_("Also move the match to Contacted"), required=False)

    def __init__(self, *args, match, **kwargs):
        kwargs.setdefault("initial", {"at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        self.can_mark_contacted = Status.CONTACTED in match.allowed_transitions()
        if not self.can_mark_contacted:
            del self.fields["mark_contacted"]

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return at


class BulkStatusForm(forms.Form):
    """Move several matches at once. The view checks every selected match allows the move (all or none)."""

    # "match", not "matches": an input named like a DOM method (form.matches) shadows it in the browser.
    match = forms.TypedMultipleChoiceField(coerce=int, choices=(), widget=forms.MultipleHiddenInput)
    status = forms.ChoiceField(label=_("Move selected to"), choices=())
    note = forms.CharField(label=_("Note for each (optional)"), required=False, max_length=4000)

    def __init__(self, *args, match_ids, from_statuses, **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # shares the page with the filter form's status field
        super().__init__(*args, **kwargs)
        self.fields["match"].choices = [(pk, pk) for pk in match_ids]
        offered = []
        for status in from_statuses:
            offered += [s for s in TRANSITIONS.get(status, []) if s not in offered]
        self.fields["status"].choices = [(s, Status(s).label) for s in Status if s in offered]
