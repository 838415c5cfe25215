"""The status page's follow-up questions: the few answers that would settle a patient's unknowns."""

import copy

from trials.vocabulary import load_vocabulary

from ..models import Patient
from .choices import (
    UNKNOWN,
    biomarker_field,
    biomarker_field_name,
    ecog_field,
    int_or_unknown,
    miles_to_km,
    resolve_drugs,
    yes_no_unknown,
)
from .steps import AboutForm, MentalHealthForm, OncologyForm, WordedForm

# Questions asked here with the intake step's own fields: {fact: (the step's form, its fields)}.
ASKED_AS_IN_THE_INTAKE = {
    "stage": (OncologyForm, ["stage"]),
    "metastatic": (OncologyForm, ["metastatic"]),
    "prior_lines": (OncologyForm, ["prior_lines"]),
    "prior_therapies": (OncologyForm, ["prior_therapies", "prior_drugs"]),
    "medications": (MentalHealthForm, ["medications", "medications_unsure"]),
    "antidepressant_trials": (MentalHealthForm, ["antidepressant_trials"]),
    "phq9": (MentalHealthForm, [f"phq9_{number}" for number in range(1, 10)]),
    "gad7": (MentalHealthForm, [f"gad7_{number}" for number in range(1, 8)]),
    "location": (AboutForm, ["postal_code", "travel_radius"]),
    "travel_radius_km": (AboutForm, ["postal_code", "travel_radius"]),
}


class FollowUpForm(WordedForm):
    """The few questions whose answers would settle a patient's unknowns, asked on the status page.

    `questions` are the engine's fact names ("ecog", "phq9", "biomarkers.EGFR", …); facts a patient
    cannot answer here (age, sex, condition) are skipped.
    """

    def __init__(self, *args, questions, answers, sex=None, **kwargs):
        self.known_answers = answers or {}
        self.asked = []
        self.gene_fields = {}
        super().__init__(*args, **kwargs)
        for question in questions:
            if self._add(question, sex):
                self.asked.append(question)

    def _add(self, question, sex):
        fields = self.fields
        if question.startswith(("biomarkers.", "biomarkers:", "biomarker.", "biomarker:")):
            gene = load_vocabulary().gene_key(question.replace(":", ".").split(".", 1)[1])
            fields[biomarker_field_name(gene)] = biomarker_field(gene)
            self.gene_fields[biomarker_field_name(gene)] = gene
        elif question == "ecog":
            fields["ecog"] = ecog_field(self.minor)
        elif question == "pregnant" and sex != Patient.Sex.MALE:
            fields["pregnant"] = copy.deepcopy(MentalHealthForm.base_fields["pregnant"])
        elif question == "suicidal_ideation" and "phq9_9" not in fields:
            fields["phq9_9"] = copy.deepcopy(MentalHealthForm.base_fields["phq9_9"])
        elif question in ASKED_AS_IN_THE_INTAKE:
            form_class, names = ASKED_AS_IN_THE_INTAKE[question]
            fields.update((name, copy.deepcopy(form_class.base_fields[name])) for name in names)
        else:
            return False
        return True

    clean_postal_code = AboutForm.clean_postal_code

    def clean_prior_drugs(self):
        self.prior_drug_ids, self.unrecognised_drugs = resolve_drugs(self.cleaned_data["prior_drugs"])
        return self.cleaned_data["prior_drugs"]

    def clean_medications(self):
        self.medication_ids, self.unrecognised_medications = resolve_drugs(self.cleaned_data["medications"])
        return self.cleaned_data["medications"]

    def answers(self):
        """The new answers, merged with what the patient said before where a fact has several parts."""
        data, known, answers = self.cleaned_data, self.known_answers, {}
        for name in ("ecog", "prior_lines", "antidepressant_trials"):
            if name in data:
                answers[name] = int_or_unknown(data[name])
        if "stage" in data:
            answers["stage"] = None if data["stage"] == UNKNOWN else data["stage"]
        for name in ("metastatic", "pregnant"):
            if name in data:
                answers[name] = yes_no_unknown(data[name])
        if "prior_therapies" in data:
            named = list(data["prior_therapies"]) + self.prior_drug_ids
            answers["prior_therapies"] = named or None
        if "medications" in data:
            unsure = data.get("medications_unsure") and not self.medication_ids
            answers["medications"] = None if unsure else self.medication_ids
        if self.gene_fields:
            biomarkers = dict(known.get("biomarkers") or {})
            for name, gene in self.gene_fields.items():
                status = data.get(name)
                if status in ("positive", "negative"):
                    biomarkers[gene] = status
                else:
                    biomarkers.pop(gene, None)
            answers["biomarkers"] = biomarkers or None
        for prefix, count in (("phq9", 9), ("gad7", 7)):
            if any(f"{prefix}_{n}" in data for n in range(1, count + 1)):
                items = list(known.get(f"{prefix}_items") or [None] * count)
                for number in range(1, count + 1):
                    if f"{prefix}_{number}" in data:
                        items[number - 1] = data[f"{prefix}_{number}"]
                answers[f"{prefix}_items"] = items
        return answers

    def travel_changes(self):
        if "postal_code" not in self.cleaned_data:
            return {}
        return {"postal_code": self.cleaned_data["postal_code"],
                "travel_radius_km": miles_to_km(self.cleaned_data.get("travel_radius"))}
