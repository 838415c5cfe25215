"""How each kind of declared question is asked: the fields for it, the answers from them, the fields for answers
on file and the words for the review page. `intake.forms.questions.asked` picks the kind for a question key.

Every question accepts "I don't know", which stores None (unknown to the engine), never "no".
"""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trials.eligibility import question as declared_question
from trials.vocabulary import load_vocabulary

from .choices import DONT_KNOW, ECOG_MINOR, UNKNOWN, YES_NO_UNKNOWN

NONE_OF_THESE = "none"
# How the intake words a question for a parent answering for a child, by question key (msgids).
MINOR_LABELS = {
    "ecog": _("Which sentence describes the child's daily activity best?"),
    "pregnant": _("Is the child pregnant or breastfeeding?"),
    "prior_therapies": _("Kinds of treatment the child has had for this cancer"),
    "prior_lines": _("How many different treatment plans (lines) has the child had?"),
    "medications": _("Medicines the child takes now"),
    "antidepressant_trials": _("How many antidepressants has the child tried for at least 6 weeks?"),
    "pain_months": _("How long has the child had this pain?"),
    "pain_now": _("How much pain does the child have right now?"),
    "pain_average": _("On average, how bad has the child's pain been?"),
}


def field_name(key):
    return key.replace(".", "_").replace("-", "_").replace(":", "_")


def _number(value):
    return int(value) if value is not None and float(value).is_integer() else value


class Asked:
    """One question as the fields that ask it. `inputs` counts the answers a person gives for it."""

    group_label = None  # a legend over the fields, when the question takes several

    def __init__(self, key, words, minor=False):
        self.key, self.words, self.minor = key, words, minor
        self.label = MINOR_LABELS.get(key, words["label"]) if minor else words["label"]

    @property
    def inputs(self):
        return len(self.fields())

    def fields(self):
        raise NotImplementedError

    def apply(self, data, answers):
        """Write this question's answers from the cleaned `data` into `answers` (which holds the earlier ones)."""
        raise NotImplementedError

    def answered(self, answers):
        """Whether the answers on file hold this question's answer (then the fields show it)."""
        return self.key in answers

    def initial(self, answers):
        """The fields' values for answers on file."""
        return {}

    def summary(self, answers):
        """[(label, answer in words)] for the review page."""
        return []


def _radio(label, choices, help_text=None, required=True):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, required=required,
                             help_text=help_text or "")


def _label_of(choices, value):
    return next((str(label) for choice, label in choices if str(choice) == str(value)), str(DONT_KNOW[1]))


class ChoiceAsked(Asked):
    """One of the declared choices (a number, a word, a range as a list), or "I don't know"."""

    def __init__(self, key, words, minor=False):
        super().__init__(key, words, minor)
        self.values = {str(c["value"]): c["value"] for c in words.get("choices", [])}
        self.choices = [(str(c["value"]), c["label"]) for c in words.get("choices", [])] + [DONT_KNOW]
        if key == "ecog" and minor:
            self.choices = ECOG_MINOR

    def fields(self):
        field = _radio(self.label, self.choices, self.words.get("help_text"))
        if len(self.values) > 6 and all(isinstance(value, int) for value in self.values.values()):
            field.widget.attrs["data-scale"] = "0-10"  # a 0–10 scale: the numbers side by side
        return {field_name(self.key): field}

    def apply(self, data, answers):
        answers[self.key] = self.values.get(data.get(field_name(self.key)))

    def initial(self, answers):
        value = answers.get(self.key)
        return {field_name(self.key): UNKNOWN if value is None else str(value)}

    def summary(self, answers):
        return [(self.label, _label_of(self.choices, self.initial(answers)[field_name(self.key)]))]


class YesNoAsked(Asked):
    def fields(self):
        return {field_name(self.key): _radio(self.label, YES_NO_UNKNOWN, self.words.get("help_text"))}

    def apply(self, data, answers):
        answers[self.key] = {"yes": True, "no": False}.get(data.get(field_name(self.key)))

    def initial(self, answers):
        return {field_name(self.key): {True: "yes", False: "no"}.get(answers.get(self.key), UNKNOWN)}

    def summary(self, answers):
        return [(self.label, _label_of(YES_NO_UNKNOWN, self.initial(answers)[field_name(self.key)]))]


class NumberAsked(Asked):
    """A number within the declared bounds; left empty, it is unknown."""

    follow_on = False  # asked after a yes/no question of the same leaf, for a "yes"

    def fields(self):
        words = self.words
        hint = (_("Only if you answered yes. Leave it empty if you don't know.") if self.follow_on
                else _("Leave it empty if you don't know."))
        help_text = f"{words['unit']}. {hint}" if words.get("unit") else hint
        return {field_name(self.key): forms.FloatField(
            label=self.label, required=False, min_value=words.get("minimum"), max_value=words.get("maximum"),
            help_text=help_text, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))}

    def apply(self, data, answers):
        answers[self.key] = _number(data.get(field_name(self.key)))

    def initial(self, answers):
        return {field_name(self.key): answers.get(self.key)}

    def summary(self, answers):
        value = answers.get(self.key)
        if value is None:
            return [(self.label, str(DONT_KNOW[1]))]
        unit = self.words.get("unit")
        return [(self.label, f"{value} {unit}" if unit else str(value))]


class CodesAsked(Asked):
    """Any of the declared codes, or none of them, or "I don't know"."""

    none_label = _("None of these")

    def code_choices(self):
        return [(c["value"], c["label"]) for c in self.words.get("choices", [])]

    def fields(self):
        choices = self.code_choices() + [(NONE_OF_THESE, self.none_label), DONT_KNOW]
        return {field_name(self.key): forms.MultipleChoiceField(
            label=self.label, choices=choices, widget=forms.CheckboxSelectMultiple,
            help_text=_("Tick every one that applies."),
            error_messages={"required": _("Tick the ones that apply, “None of these” or “I don't know”.")})}

    def picked(self, data):
        """The codes ticked, [] for none of them, None for "I don't know"."""
        ticked = list(data.get(field_name(self.key)) or [])
        if UNKNOWN in ticked:
            return None
        return [code for code in ticked if code != NONE_OF_THESE]

    def apply(self, data, answers):
        answers[self.key] = self.picked(data)

    def initial(self, answers):
        value = answers.get(self.key)
        if value is None:
            return {field_name(self.key): [UNKNOWN] if self.key in answers else []}
        return {field_name(self.key): list(value) or [NONE_OF_THESE]}

    def summary(self, answers):
        value = answers.get(self.key)
        if value is None:
            return [(self.label, str(DONT_KNOW[1]))]
        names = dict(self.code_choices())
        return [(self.label, ", ".join(str(names.get(code, code)) for code in value) or str(self.none_label))]


def validate_exclusive(field, data):
    """"None of these" and "I don't know" each stand alone."""
    ticked = set(data or [])
    if len(ticked) > 1 and ticked & {NONE_OF_THESE, UNKNOWN}:
        raise forms.ValidationError(_("“None of these” and “I don't know” cannot be ticked with anything else."))


class WhenAsked(Asked):
    """For each kind of treatment, when it was last received: never, or one of the declared intervals."""

    def __init__(self, key, words, minor=False):
        super().__init__(key, words, minor)
        treatments = declared_question("prior_therapies")
        self.items = [c.value for c in treatments.choices if c.value != "therapy:surgery"] if treatments else []
        self.intervals = {str(i): c["value"] for i, c in enumerate(words.get("choices", []))}
        self.choices = [("never", _("Never had it"))] + [(str(i), c["label"]) for i, c in
                                                          enumerate(words.get("choices", []))] + [DONT_KNOW]
        self.group_label = self.label

    def field_for(self, item):
        return f"{field_name(self.key)}_{item.split(':', 1)[1]}"

    def fields(self):
        vocabulary, language = load_vocabulary(), (translation.get_language() or "en")[:2]
        return {self.field_for(item): _radio(capfirst(vocabulary.label(item, language)), self.choices)
                for item in self.items}

    def apply(self, data, answers):
        weeks = dict(answers.get(self.key) or {})
        for item in self.items:
            covered = _of_kind(item)
            for member in covered:
                weeks.pop(member, None)
            picked = data.get(self.field_for(item))
            if picked == "never":
                weeks.pop(item, None)
                continue
            # Received, or not known: an interval open at both ends settles no time window.
            low, high = self.intervals.get(picked, (0, None))
            weeks[item] = [low, high]
            # Which drug of that kind was last given is not known: each is "not given for `low` weeks at
            # least", never "given", so a trial excluding one drug or class is not told the patient had none.
            for member in covered:
                weeks[member] = [low, None]
        answers[self.key] = weeks

    def initial(self, answers):
        weeks, initial = answers.get(self.key), {}
        by_interval = {tuple(v): k for k, v in self.intervals.items()}
        for item in self.items:
            if weeks is None:
                initial[self.field_for(item)] = UNKNOWN
            elif item not in weeks:
                initial[self.field_for(item)] = "never"
            else:
                initial[self.field_for(item)] = by_interval.get(tuple(weeks[item]), UNKNOWN)
        return initial

    def summary(self, answers):
        initial = self.initial(answers)
        vocabulary, language = load_vocabulary(), (translation.get_language() or "en")[:2]
        return [(vocabulary.label(item, language), _label_of(self.choices, initial[self.field_for(item)]))
                for item in self.items]


def _of_kind(therapy):
    """The drug classes and drugs that count as this kind of treatment (class:PD1_PDL1 is an immunotherapy)."""
    vocabulary = load_vocabulary()
    return [item for item in (*vocabulary.classes, *vocabulary.drugs)
            if therapy in vocabulary.therapy_tags([item]) and item != therapy]


class GroupAsked(Asked):
    """A leaf's questions asked together: "Have you had another cancer?" and, if so, how many years ago."""

    def __init__(self, parts):
        first = parts[0]
        super().__init__(first.key, first.words, first.minor)
        self.parts = parts

    @property
    def inputs(self):
        return sum(part.inputs for part in self.parts)

    def fields(self):
        fields = {}
        for part in self.parts:
            fields.update(part.fields())
        return fields

    def apply(self, data, answers):
        for part in self.parts:
            part.apply(data, answers)

    def answered(self, answers):
        return any(part.answered(answers) for part in self.parts)

    def initial(self, answers):
        return {name: value for part in self.parts if part.answered(answers)
                for name, value in part.initial(answers).items()}

    def summary(self, answers):
        return [line for part in self.parts for line in part.summary(answers)]
