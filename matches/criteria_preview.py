"""How many consented patients a trial's criteria would find eligible, possible or not eligible, before they are
saved: the criteria builder (in trials, which knows no patient) asks through `trials.signals.criteria_preview`.

Counts only. Patients whose condition the trial does not list cannot be eligible under any criteria, so only those
with one of its conditions are evaluated, at most `limit` of them, spread evenly over the lot when there are more.
"""

import copy
from collections import Counter

from django.dispatch import receiver
from django.utils import timezone

from intake.models import Patient
from trials.eligibility import evaluate
from trials.signals import criteria_preview
from trials.vocabulary import load_vocabulary

from .services.matching import PATIENT_FIELDS
from .services.selectors import consented_patients

CHUNK = 500


@receiver(criteria_preview)
def count_verdicts(sender, trial, trees, limit, **kwargs):
    """{"consented", "candidates", "evaluated", "counts": [{"eligible", "possible", "not_eligible"} per tree]};
    the counts are over the evaluated patients."""
    today = timezone.localdate()
    consented = consented_patients()
    vocabulary = load_vocabulary()
    codes = set().union(*(vocabulary.descendants(code) for code in trial.condition_codes or []))
    candidates = consented.filter(condition_code__in=sorted(codes)) if codes else consented
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    sample = ids if len(ids) <= limit else [ids[i * len(ids) // limit] for i in range(limit)]
    sites = list(trial.sites.all())
    located = trial.site_locations(sites)
    rules = []
    for tree in trees:
        draft = copy.copy(trial)
        draft.criteria = tree
        rules.append(draft.rule(sites=sites))
    counts = [Counter() for _ in trees]
    for start in range(0, len(sample), CHUNK):
        for patient in Patient.objects.filter(pk__in=sample[start:start + CHUNK]).only(*PATIENT_FIELDS).order_by():
            profile = patient.profile()
            for count, rule in zip(counts, rules, strict=True):
                count[evaluate(rule, profile, today, located).outcome] += 1
    return {
        "consented": consented.count(), "candidates": len(ids), "evaluated": len(sample),
        "counts": [{outcome: count[outcome] for outcome in ("eligible", "possible", "not_eligible")}
                   for count in counts],
    }
