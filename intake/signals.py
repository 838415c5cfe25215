from django.dispatch import Signal

# Sent inside the transaction that changed a patient's answers. Arguments: patient_id.
answers_changed = Signal()
