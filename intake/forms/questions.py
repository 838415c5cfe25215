"""Form fields built from the engine's question declarations, and the answers they give.

Each criterion leaf declares its follow-up question once (`trials.eligibility.question(key)`: kind, label,
choices, bounds, unit, as plain data). `asked(key)` turns it into the fields that ask it, worded in the
request's language, and back into answers stored under the question's key: the Profile fact that
`Patient.profile()` reads. A leaf declared tomorrow with a "choice", "yes_no", "number" or "codes" question is
asked with no code here. A few kinds need the intake's own knowledge: a questionnaire's items, medicines by name,
a marker's name, a postal code.

Every question accepts "I don't know", which stores None (unknown to the engine), never "no".
"""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from trials.eligibility import LEAVES
from trials.eligibility import question as declared_question
from trials.vocabulary import load_vocabulary

from ..questionnaires import INSTRUMENTS, INTAKE_QUESTIONS, ITEM_OF_INSTRUMENT
from .choices import (
    DONT_KNOW,
    ECOG_MINOR,
    QUESTIONNAIRE_CHOICES,
    UNKNOWN,
    YES_NO_UNKNOWN,
    drug_names,
    miles_to_km,
    resolve_drugs,
)

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


def _words(question):
    """The declaration worded in the active language."""
    return question.to_dict(translation)


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


class TherapiesAsked(CodesAsked):
    """Kinds of treatment ticked, plus medicines typed by name (resolved through the vocabulary)."""

    none_label = _("None yet")

    def fields(self):
        fields = super().fields()
        fields["prior_drugs"] = forms.CharField(
            label=_("Cancer medicines you have had, by name (optional)"), required=False, max_length=500,
            help_text=_("Separate names with commas, for example: carboplatin, osimertinib."))
        if self.minor:
            fields["prior_drugs"].label = _("Cancer medicines the child has had, by name (optional)")
        return fields

    @property
    def inputs(self):
        return 1  # the names box adds detail to the ticks; it is not a question of its own

    def apply(self, data, answers):
        drug_ids, unrecognised = resolve_drugs(data.get("prior_drugs"))
        picked = self.picked(data)
        answers[self.key] = None if picked is None and not drug_ids else [*(picked or []), *drug_ids]
        answers["prior_drugs_unrecognised"] = unrecognised

    def initial(self, answers):
        prior = answers.get(self.key)
        initial = super().initial({self.key: [i for i in prior if i.startswith("therapy:")]} if prior else answers)
        initial["prior_drugs"] = drug_names(prior)
        return initial

    def summary(self, answers):
        prior = answers.get(self.key)
        if prior is None:
            return [(self.label, str(DONT_KNOW[1]))]
        language = translation.get_language() or "en"
        vocabulary = load_vocabulary()
        return [(self.label, ", ".join(vocabulary.label(item, language[:2]) for item in prior)
                 or str(self.none_label))]


class MedicationsAsked(Asked):
    """The medicines taken now, typed by name; none, or not sure which."""

    def fields(self):
        return {
            "medications": forms.CharField(
                label=self.label, required=False, max_length=500,
                help_text=_("Names separated by commas, for example: duloxetine, ibuprofen. Leave empty if none.")),
            "medications_unsure": forms.BooleanField(
                label=_("I'm not sure which medicines the child takes") if self.minor
                else _("I'm not sure which medicines I take"), required=False),
        }

    @property
    def inputs(self):
        return 1  # "not sure" is another way of answering the same question

    def apply(self, data, answers):
        drug_ids, unrecognised = resolve_drugs(data.get("medications"))
        unsure = data.get("medications_unsure") and not drug_ids
        answers["medications"] = None if unsure else drug_ids
        answers["medications_unrecognised"] = unrecognised

    def initial(self, answers):
        return {"medications": drug_names(answers.get("medications")),
                "medications_unsure": answers.get("medications") is None and "medications" in answers}

    def summary(self, answers):
        taken = answers.get("medications")
        if taken is None:
            return [(self.label, str(_("I'm not sure")))]
        words = drug_names(taken) or str(_("None"))
        unrecognised = answers.get("medications_unrecognised") or []
        return [(self.label, ", ".join([words, *unrecognised]) if taken else ", ".join(unrecognised) or words)]


class QuestionnaireAsked(Asked):
    """The items of a questionnaire (PHQ-9, GAD-7), each on its 0–3 scale; a skipped item leaves the total unknown."""

    def __init__(self, key, words, minor=False, items=None):
        super().__init__(key, words, minor)
        self.texts, self.answers_key = INSTRUMENTS[key]
        self.numbers = items or list(range(1, len(self.texts) + 1))
        self.group_label = self.label

    def fields(self):
        return {f"{self.key}_{n}": forms.TypedChoiceField(
            label=self.texts[n - 1], choices=QUESTIONNAIRE_CHOICES, coerce=_int_or_none, empty_value=None,
            widget=forms.RadioSelect) for n in self.numbers}

    def answered(self, answers):
        items = answers.get(self.answers_key)
        return bool(items) and any(items[n - 1] is not None for n in self.numbers)

    def apply(self, data, answers):
        items = list(answers.get(self.answers_key) or [None] * len(self.texts))
        for n in self.numbers:
            items[n - 1] = data.get(f"{self.key}_{n}")
        answers[self.answers_key] = items

    def initial(self, answers):
        items = answers.get(self.answers_key) or [None] * len(self.texts)
        return {f"{self.key}_{n}": UNKNOWN if items[n - 1] is None else str(items[n - 1]) for n in self.numbers}

    def summary(self, answers):
        items = answers.get(self.answers_key) or [None] * len(self.texts)
        return [(self.texts[n - 1], _label_of(QUESTIONNAIRE_CHOICES, items[n - 1] if items[n - 1] is not None
                                              else UNKNOWN)) for n in self.numbers]


def _int_or_none(value):
    return None if value in ("", None, UNKNOWN) else int(value)


class BiomarkerAsked(Asked):
    """One marker's test result, named by the vocabulary; merged into the patient's other results."""

    def __init__(self, key, words, minor=False):
        super().__init__(key, words, minor)
        self.gene = load_vocabulary().gene_key(key.split(".", 1)[1])
        marker = load_vocabulary().biomarker(self.gene)
        language = (translation.get_language() or "en")[:2]
        self.label = marker.labels.get(language, marker.labels["en"]) if marker else self.gene
        self.choices = [(c["value"], c["label"]) for c in words.get("choices", [])] + [
            (UNKNOWN, _("Not tested, or I don't know"))]

    def fields(self):
        return {f"biomarker_{field_name(self.gene)}": _radio(self.label, self.choices)}

    def apply(self, data, answers):
        markers = dict(answers.get("biomarkers") or {})
        status = data.get(f"biomarker_{field_name(self.gene)}")
        if status in ("positive", "negative"):
            markers[self.gene] = status
        else:
            markers.pop(self.gene, None)
        answers["biomarkers"] = markers or None

    def answered(self, answers):
        return self.gene in (answers.get("biomarkers") or {})

    def initial(self, answers):
        return {f"biomarker_{field_name(self.gene)}": (answers.get("biomarkers") or {}).get(self.gene, UNKNOWN)}

    def summary(self, answers):
        return [(self.label, _label_of(self.choices, self.initial(answers)[f"biomarker_{field_name(self.gene)}"]))]


class LocationAsked(Asked):
    """Where the patient lives and how far they would travel: patient fields, not answers (`travel_changes`)."""

    def fields(self):
        from .steps import postal_code_field, travel_radius_field  # the intake's own ZIP and distance questions

        return {"postal_code": postal_code_field(), "travel_radius": travel_radius_field()}

    def answered(self, answers):
        return False

    def apply(self, data, answers):
        pass


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
