"""The only code that writes Match and MatchEvent: matching runs, coordinators' writes, and read-only selectors."""

from .coordinator import (
    OwnershipError,
    add_note,
    assign_matches,
    change_status,
    note_new_information,
    possible_owners,
    scrub_patient_matches,
    withdraw_patient_matches,
)
from .matching import RunResult, candidate_patients, candidate_trials, match_patient, match_trial, travel_box
from .selectors import consented_patients, stale_patient_ids, stale_patients, stale_trial_ids

__all__ = [
    "OwnershipError", "RunResult", "add_note", "assign_matches", "candidate_patients", "candidate_trials",
    "change_status", "consented_patients", "match_patient", "match_trial", "note_new_information", "possible_owners",
    "scrub_patient_matches", "stale_patient_ids", "stale_patients", "stale_trial_ids", "travel_box",
    "withdraw_patient_matches",
]
