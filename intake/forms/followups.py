"""The status page's follow-up questions: the few answers that would settle a patient's unknowns."""

import copy

from django.utils.translation import gettext_lazy as _

from trials.vocabulary import load_vocabulary

from ..models import Patient
from ..questionnaires import GAD7_ITEMS, PHQ9_ITEMS
from .choices import (
    LINES,
    STAGES,
    UNKNOWN,
    YES_NO_UNKNOWN,
    biomarker_field,
    biomarker_field_name,
    ecog_field,
    int_or_unknown,
    miles_to_km,
    questionnaire_item,
    radio,
    resolve_drugs,
    yes_no_unknown,
)
from .steps import AboutForm, MentalHealthForm, OncologyForm, WordedForm


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
        elif question == "stage":
            fields["stage"] = radio(_("What stage is the cancer?"), STAGES)
        elif question == "metastatic":
            fields["metastatic"] = radio(_("Has it spread to other parts of the body (metastatic)?"),
                                         YES_NO_UNKNOWN)
        elif question == "prior_lines":
            fields["prior_lines"] = radio(_("How many different treatment plans (lines) have you had?"), LINES)
        elif question == "prior_therapies":
            fields["prior_therapies"] = copy.deepcopy(OncologyForm.base_fields["prior_therapies"])
            fields["prior_drugs"] = copy.deepcopy(OncologyForm.base_fields["prior_drugs"])
        elif question == "medications":
            fields["medications"] = copy.deepcopy(MentalHealthForm.base_fields["medications"])
            fields["medications_unsure"] = copy.deepcopy(MentalHealthForm.base_fields["medications_unsure"])
        elif question == "antidepressant_trials":
            fields["antidepressant_trials"] = copy.deepcopy(MentalHealthForm.base_fields["antidepressant_trials"])
        elif question == "pregnant" and sex != Patient.Sex.MALE:
            fields["pregnant"] = copy.deepcopy(MentalHealthForm.base_fields["pregnant"])
        elif question == "phq9":
            for number, text in enumerate(PHQ9_ITEMS, start=1):
                fields[f"phq9_{number}"] = questionnaire_item(text)
        elif question == "suicidal_ideation" and "phq9_9" not in fields:
            fields["phq9_9"] = questionnaire_item(PHQ9_ITEMS[8])
        elif question == "gad7":
            for number, text in enumerate(GAD7_ITEMS, start=1):
                fields[f"gad7_{number}"] = questionnaire_item(text)
        elif question in ("location", "travel_radius_km"):
            fields["postal_code"] = copy.deepcopy(AboutForm.base_fields["postal_code"])
            fields["travel_radius"] = copy.deepcopy(AboutForm.base_fields["travel_radius"])
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
