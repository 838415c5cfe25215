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
