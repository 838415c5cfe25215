from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import QueueFilter, person_name  # noqa: F401 - QueueFilter's old home; views import it from filters
from .models import TRANSITIONS, MatchEvent, Status
from .questions import askable_questions, question_label


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=())
    questions = forms.MultipleChoiceField(
        label=_("Questions the patient is asked to answer"), required=False, choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only with “Needs information”: the patient's status page lists these and asks them."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, match, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Status(s).label) for s in match.allowed_transitions()]
        if Status.NEEDS_INFO in match.allowed_transitions():
            self.fields["questions"].choices = [(key, question_label(key)) for key in askable_questions(match)]
        if not self.fields["questions"].choices:
            del self.fields["questions"]

    def clean(self):
        data = super().clean()
        status, questions = data.get("status"), data.get("questions") or []
        if status == Status.NEEDS_INFO and "questions" in self.fields and not questions:
            self.add_error("questions", _("Pick the questions the patient should answer."))
        if status != Status.NEEDS_INFO and questions:
            self.add_error("questions", _("Questions are asked only when the match needs information."))
        return data


class AssignForm(forms.Form):
    """Who owns a match: a coordinator of the trial's team, or nobody."""

    owner = forms.ChoiceField(label=_("Owner"), choices=())

    def __init__(self, *args, owners, **kwargs):
        kwargs.setdefault("auto_id", "assign_%s")  # shares the queue page with the filter form's owner field
        super().__init__(*args, **kwargs)
        self.owners = {str(person.pk): person for person in owners}
        self.fields["owner"].choices = [("", _("Nobody (unassigned)"))] + [
            (pk, person_name(person)) for pk, person in self.owners.items()]
        self.fields["owner"].required = False

    def clean_owner(self):
        return self.owners.get(self.cleaned_data["owner"])


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ContactForm(forms.Form):
    """A contact attempt; its time is read and shown in the active time zone (the views activate the team's)."""

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
        self.fields["at"].help_text = _("Time in %(zone)s.") % {"zone": timezone.get_current_timezone_name()}
        self.can_mark_contacted = Status.CONTACTED in match.allowed_transitions()
        if not self.can_mark_contacted:
            del self.fields["mark_contacted"]

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return at


class BulkStatusForm(forms.Form):
    """Move several matches at once. The view checks every selected match allows the move (all or none).

    "Needs information" is not offered: it names questions for one patient, picked on the match's page.
    """

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
            offered += [s for s in TRANSITIONS.get(status, []) if s not in offered and s != Status.NEEDS_INFO]
        self.fields["status"].choices = [(s, Status(s).label) for s in Status if s in offered]
