from django.dispatch import Signal

# Sent after a trial's matching inputs (status, ages, sex, conditions, sites, criteria) change.
# Arguments: trial_id. matches/receivers.py queues the re-match once the transaction commits.
trial_changed = Signal()

# Sent by the criteria builder to preview rule trees before they are saved. Arguments: trial, trees (a list of
# criteria trees, each may be None), limit (the most patients to evaluate). trials knows no patient: the receiver
# that does (matches/criteria_preview.py) answers with counts only, never a patient.
criteria_preview = Signal()
