"""Writes to trials that matching must hear about."""

from django.db import transaction
from django.utils import timezone

from .eligibility import validate_rule
from .models import Trial
from .signals import trial_changed


@transaction.atomic
def trial_matching_inputs_changed(trial):
    """Re-index the trial's condition codes and have it re-matched against every consented patient."""
    trial.sync_condition_index()
    Trial.objects.filter(pk=trial.pk).update(criteria_changed_at=timezone.now(), updated_at=timezone.now())
    trial_changed.send(sender=Trial, trial_id=trial.pk)


@transaction.atomic
def decide_suggestions(*, trial, accepted, rejected=()):
    """Accept suggestions into the trial's criteria (rules possibly edited by the admin) and reject others.

    accepted: {index: rule}. Each rule must pass validate_rule, or nothing is changed (ValueError with the
    messages). Accepted rules join the trial's curated criteria; then the trial is re-matched.
    """
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    suggestions = [dict(s) for s in trial.criteria_suggestions or []]
    errors = []
    for index, rule in accepted.items():
        if not 0 <= index < len(suggestions):
            errors.append(f"suggestion {index}: no such suggestion")
            continue
        errors += [f"suggestion {index}: {message}" for message in validate_rule(rule)]
    if errors:
        raise ValueError(errors)
    parts = list((trial.criteria or {}).get("all", [])) if set(trial.criteria or {}) <= {"all"} else [trial.criteria]
    for index, rule in sorted(accepted.items()):
        if rule not in parts:
            parts.append(rule)
        suggestions[index].update(status="accepted", accepted_rule=rule)
    for index in rejected:
        if 0 <= index < len(suggestions) and index not in accepted:
            suggestions[index]["status"] = "rejected"
    criteria = {"all": parts} if parts else None
    problems = validate_rule(criteria) if criteria else []
    if problems:
        raise ValueError(problems)
    changed = criteria != trial.criteria
    trial.criteria = criteria
    trial.criteria_suggestions = suggestions
    trial.save(update_fields=["criteria", "criteria_suggestions", "updated_at"])
    if changed:
        trial_matching_inputs_changed(trial)
    return trial
