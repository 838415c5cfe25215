from django.dispatch import Signal

# Both are sent inside the transaction that wrote the authorization or the revocation, so a
# receiver that writes (withdrawing matches) commits or rolls back with it. Arguments: patient_id.
authorization_signed = Signal()
authorization_revoked = Signal()
# Sent inside the sweep's transaction when a patient's latest authorization ended by itself (expired, superseded
# by a version requiring re-consent, or the child it was signed for turned 18) and nothing valid replaces it.
# Arguments: patient_id, reason (a consent.models.Lapse.Reason value).
authorization_lapsed = Signal()
# Sent inside the erasure's transaction, after the patient's intake is blanked: receivers scrub
# what they hold about the patient (health facts copied into match reasons). Arguments: patient_id.
patient_erased = Signal()
