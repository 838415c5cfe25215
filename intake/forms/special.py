"""Questions the intake asks with knowledge of its own: a questionnaire's items, medicines typed by name, a
marker named by the vocabulary, where the patient lives."""

from __future__ import annotations

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from trials.vocabulary import load_vocabulary

from ..questionnaires import INSTRUMENTS
from .choices import DONT_KNOW, QUESTIONNAIRE_CHOICES, UNKNOWN, drug_names, resolve_drugs
from .kinds import Asked, CodesAsked, _label_of, _radio, field_name


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


