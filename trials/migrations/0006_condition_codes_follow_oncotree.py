"""Condition codes renamed to the OncoTree release's codes (docs/contracts.md): rewrite the codes trials store."""

import json

from django.db import migrations
from django.utils import timezone

# Frozen here: a migration must not change when the vocabulary does. onc:ALL has no OncoTree node; stored ALL
# becomes both B- and T-cell ALL on a trial, so it keeps admitting the same patients.
RENAMED = {"onc:GBM": ["onc:GB"], "onc:DLBCL": ["onc:DLBCLNOS"], "onc:CLL": ["onc:CLLSLL"], "onc:TCL": ["onc:MTNN"],
           "onc:APL": ["onc:APLPMLRARA"], "onc:BILIARY": ["onc:BILIARY_TRACT"], "onc:ALL": ["onc:BLL", "onc:TLL"]}


def _codes(codes):
    if not codes:
        return codes
    out = []
    for code in codes:
        for new in RENAMED.get(code, [code]):
            if new not in out:
                out.append(new)
    return out


def _tree(value):
    """A rule tree or suggestion list with every condition code list rewritten."""
    if isinstance(value, dict):
        return {key: (_codes(item) if key in ("condition", "comorbidity") and isinstance(item, list) else _tree(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_tree(item) for item in value]
    return value


def rename_codes(apps, schema_editor):
    Trial = apps.get_model("trials", "Trial")
    TrialCondition = apps.get_model("trials", "TrialCondition")
    old = list(RENAMED)
    for trial in Trial.objects.iterator():
        fields = {}
        for name in ("condition_codes", "registry_condition_codes", "curated_condition_codes"):
            value = getattr(trial, name)
            if value and set(value) & set(old):
                fields[name] = _codes(value)
        for name in ("criteria", "criteria_suggestions"):
            value = getattr(trial, name)
            if value and any(f'"{code}"' in json.dumps(value) for code in old):
                fields[name] = _tree(value)
        if fields:  # criteria changed: the sweep re-matches the trial
            Trial.objects.filter(pk=trial.pk).update(**fields, criteria_changed_at=timezone.now())
    for row in TrialCondition.objects.filter(code__in=old):
        for new in RENAMED[row.code]:
            TrialCondition.objects.get_or_create(trial_id=row.trial_id, code=new)
        row.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("trials", "0005_registry_fields_apart_from_curation_and_status_freshness"),
    ]

    operations = [
        migrations.RunPython(rename_codes, migrations.RunPython.noop),
    ]
