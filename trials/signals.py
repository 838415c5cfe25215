from django.dispatch import Signal

# Sent after a trial's matching inputs (status, ages, sex, conditions, sites, criteria) change.
# Arguments: trial_id. matches/receivers.py queues the re-match once the transaction commits.
trial_changed = Signal()
