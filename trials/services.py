"""Writes to trials that matching must hear about."""

from django.db import transaction
from django.utils import timezone

from .models import Trial
from .signals import trial_changed


@transaction.atomic
def trial_matching_inputs_changed(trial):
    """Re-index the trial's condition codes and have it re-matched against every consented patient."""
    trial.sync_condition_index()
    Trial.objects.filter(pk=trial.pk).update(criteria_changed_at=timezone.now(), updated_at=timezone.now())
    trial_changed.send(sender=Trial, trial_id=trial.pk)


def import_ctgov_paths(*, paths, only_refs=None, force=False, run=None, progress=None, oncotree=None):
    """Import ClinicalTrials.gov files, folders or archives; one transaction per study. Returns the Summary.

    oncotree: an OncoTree release file to read cancer names with (default: settings.ONCOTREE_PATH)."""
    from .ctgov import import_paths  # the importer writes through this module's trial_matching_inputs_changed

    return import_paths(paths, only_refs=only_refs, force=force, run=run, progress=progress, oncotree=oncotree)


def start_import_run(*, filename, payload=None, source_path="", only_refs=(), force=False, user=None):
    """Record an import to run in the background and queue it once the row is committed."""
    from .models import ImportRun
    from .tasks import run_import

    run = ImportRun.objects.create(filename=filename[:255], payload=payload, source_path=source_path[:500],
                                   only_refs=sorted(set(only_refs)), force=force, created_by=user)
    transaction.on_commit(lambda: run_import.delay(run.pk))
    return run


def run_import(run_id):
    """Run a queued ImportRun: the uploaded bytes (or a server path) through the same importer as the command."""
    from .ctgov import import_paths, import_records, iter_bytes
    from .models import ImportRun

    claimed = ImportRun.objects.filter(pk=run_id, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]).update(
        state=ImportRun.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None  # done already, or gone: running twice changes nothing
    run = ImportRun.objects.get(pk=run_id)
    try:
        if run.payload is not None:
            summary = import_records(iter_bytes(run.filename, bytes(run.payload)), only_refs=run.only_refs,
                                     force=run.force, run=run)
        else:
            summary = import_paths([run.source_path], only_refs=run.only_refs, force=run.force, run=run)
    except Exception as exc:
        ImportRun.objects.filter(pk=run_id).update(
            state=ImportRun.State.FAILED, finished_at=timezone.now(), report=f"The import stopped: {exc!r}"[:2000]
        )
        raise
    ImportRun.objects.filter(pk=run_id).update(
        state=ImportRun.State.DONE, finished_at=timezone.now(), summary=summary.to_dict(),
        report="\n".join(summary.lines(max_skips=200)),
    )
    return summary


@transaction.atomic
def decide_suggestions(*, trial, accepted, rejected=()):
    """Accept suggestions into the trial's criteria (rules possibly edited by the admin) and reject others.

    accepted: {index: rule}. Each rule must pass validate_rule, or nothing is changed (ValueError with the
    messages). Accepted rules join the trial's curated criteria; then the trial is re-matched.
    """
    from .eligibility import validate_rule

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
