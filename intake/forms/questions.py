"""Form fields built from the engine's question declarations, and the answers they give.

Each criterion leaf declares its follow-up question once (`trials.eligibility.question(key)`: kind, label,
choices, bounds, unit, as plain data). `asked(key)` turns it into the fields that ask it, worded in the
request's language, and back into answers stored under the question's key: the Profile fact that
`Patient.profile()` reads. A leaf declared tomorrow with a "choice", "yes_no", "number", "codes" or "when"
question is asked with no code here (intake.forms.kinds). A few need the intake's own knowledge
(intake.forms.special): a questionnaire's items, medicines by name, a marker's name, a postal code.
"""

from __future__ import annotations

from django import forms
from django.utils import translation

from trials.eligibility import LEAVES
from trials.eligibility import question as declared_question

from ..questionnaires import INSTRUMENTS, INTAKE_QUESTIONS, ITEM_OF_INSTRUMENT
from .choices import miles_to_km
from .kinds import (
    ChoiceAsked,
    CodesAsked,
    GroupAsked,
    NumberAsked,
    WhenAsked,
    YesNoAsked,
    validate_exclusive,
)
from .special import BiomarkerAsked, LocationAsked, MedicationsAsked, QuestionnaireAsked, TherapiesAsked


def _words(question):
    """The declaration worded in the active language."""
    return question.to_dict(translation)


def _siblings(key):
    """The other questions the leaf asking `key` first declares (None when `key` is not a leaf's first)."""
    leaf = next((leaf for leaf in LEAVES.values() if leaf.questions and leaf.questions[0].key == key), None)
    return [question.key for question in leaf.questions[1:]] if leaf else []


KINDS = {"choice": ChoiceAsked, "yes_no": YesNoAsked, "number": NumberAsked, "codes": CodesAsked,
         "when": WhenAsked}


def asked(key, minor=False):
    """The Asked for a question key ("ecog", "biomarkers.EGFR", "phq9", "pain_now", …), or None when the intake
    cannot ask it (the diagnosis, the birthday and sex are asked once, at the start)."""
    if key in ITEM_OF_INSTRUMENT:  # PHQ-9 item 9 is the suicidal-thoughts question
        instrument, number = ITEM_OF_INSTRUMENT[key]
        return QuestionnaireAsked(instrument, _words(declared_question(instrument)), minor, items=[number])
    question = INTAKE_QUESTIONS.get(key) or declared_question(key)
    if question is None or key in ("birth_date", "sex", "condition_codes"):
        return None
    words = _words(question)
    if key.startswith("biomarkers."):
        return BiomarkerAsked(key, words, minor)
    if question.kind == "questionnaire" and key in INSTRUMENTS:
        return QuestionnaireAsked(key, words, minor)
    if question.kind == "location" or key == "travel_radius_km":
        return LocationAsked(key, words, minor)
    if key == "medications":
        return MedicationsAsked(key, words, minor)
    if key == "prior_therapies":
        return TherapiesAsked(key, words, minor)
    kind = KINDS.get(question.kind)
    if kind is None:
        return None
    parts = [kind(key, words, minor)]
    for sibling in _siblings(key):
        sibling_question = declared_question(sibling)
        sibling_kind = KINDS.get(sibling_question.kind) if sibling_question else None
        if sibling_kind is not None and sibling_question.kind in ("number", "choice"):
            part = sibling_kind(sibling, _words(sibling_question), minor)
            part.follow_on = True
            parts.append(part)
    return parts[0] if len(parts) == 1 else GroupAsked(parts)


def travel_changes(data):
    """The postal code and travel distance a LocationAsked collected, for update_answers."""
    if "postal_code" not in data:
        return {}
    return {"postal_code": data["postal_code"], "travel_radius_km": miles_to_km(data.get("travel_radius"))}


class _Written(dict):
    """Answers that remember which keys were written."""

    def __init__(self, known):
        super().__init__(known)
        self.written = set()

    def __setitem__(self, key, value):
        self.written.add(key)
        super().__setitem__(key, value)


class QuestionsForm(forms.Form):
    """Questions by key, each built by `asked`; keys it cannot ask are left out (`self.asked` lists the rest).

    Used for the intake's questions for a condition, for the follow-up questions on the status page and for
    changing answers later: one way to ask each question.
    """

    def __init__(self, *args, questions, answers=None, minor=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.minor = minor
        self.known_answers = dict(answers or {})
        self.asked, self.questions, self.field_names, covered = [], [], {}, set()
        for key in questions:
            question = asked(key, minor)
            if question is None:
                continue
            new = {name: field for name, field in question.fields().items() if name not in covered}
            if not new:
                continue  # already asked by another question (PHQ-9 item 9 inside the PHQ-9)
            covered.update(new)
            self.fields.update(new)
            self.asked.append(key)
            self.questions.append(question)
            self.field_names[key] = list(new)
        for question in self.questions:
            if not question.answered(self.known_answers):
                continue  # nothing is chosen for the patient, not even "I don't know"
            for name, value in question.initial(self.known_answers).items():
                if name in self.fields:
                    self.fields[name].initial = value

    @property
    def inputs(self):
        return sum(question.inputs for question in self.questions)

    def groups(self):
        """[(legend or None, [bound fields])]: a question of several fields (a questionnaire, when each
        treatment was last received) under its own legend."""
        return [(question.group_label, [self[name] for name in self.field_names[key]])
                for key, question in zip(self.asked, self.questions, strict=True)]

    def clean_postal_code(self):
        from .steps import clean_postal_code

        return clean_postal_code(self)

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.MultipleChoiceField) and name in cleaned:
                try:
                    validate_exclusive(field, cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def answers(self):
        """The answers these questions give, merged with those on file where a fact has several parts (a
        marker among the others, one questionnaire item); keys no question here touches are left out."""
        merged = _Written(self.known_answers)
        for question in self.questions:
            question.apply(self.cleaned_data, merged)
        return {key: merged[key] for key in merged.written}

    def summary(self):
        """[(label, answer in words)] of these questions, for the review page."""
        answers = self.answers()
        merged = {**self.known_answers, **answers}
        return [line for question in self.questions for line in question.summary(merged)]

    def travel_changes(self):
        return travel_changes(self.cleaned_data) if self.is_bound and hasattr(self, "cleaned_data") else {}
