from django.dispatch import Signal

# Both are sent inside the transaction that wrote the authorization or the revocation, so a
# receiver that writes (withdrawing matches) commits or rolls back with it. Arguments: patient_id.
authorization_signed = Signal()
authorization_revoked = Signal()
