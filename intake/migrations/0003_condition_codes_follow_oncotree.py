"""Patients' condition codes renamed to the OncoTree release's codes (docs/contracts.md)."""

from django.db import migrations
from django.utils import timezone

# Frozen here: a migration must not change when the vocabulary does. A patient's "acute lymphoblastic leukemia"
# had no B/T type; B-cell is by far the commoner, and the status page lets the patient correct it.
RENAMED = {"onc:GBM": "onc:GB", "onc:DLBCL": "onc:DLBCLNOS", "onc:CLL": "onc:CLLSLL", "onc:TCL": "onc:MTNN",
           "onc:APL": "onc:APLPMLRARA", "onc:BILIARY": "onc:BILIARY_TRACT", "onc:ALL": "onc:BLL"}


def rename_codes(apps, schema_editor):
    Patient = apps.get_model("intake", "Patient")
    for old, new in RENAMED.items():
        # answers changed: the sweep re-matches them under the new code
        Patient.objects.filter(condition_code=old).update(condition_code=new, answers_changed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0002_status_link_sent_at"),
    ]

    operations = [
        migrations.RunPython(rename_codes, migrations.RunPython.noop),
    ]
