"""On PostgreSQL, a GIN index over the condition codes of recruiting trials; a no-op elsewhere.

The narrowing query (TrialQuerySet.candidates_for) asks "which recruiting trials list any of these codes".
Through TrialCondition it visited every trial listing the codes, two thirds of them not recruiting, one wide
row at a time: 11–20 ms for a common cancer on a 50,000-trial registry. This partial index answers it with
one bitmap scan over recruiting trials only: ~1 ms (docs/perf-matching.md). SQLite keeps the join.
"""

from django.db import migrations

INDEX = "trial_recruiting_codes_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON trials_trial USING gin (condition_codes) "
            "WHERE overall_status = 'RECRUITING'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("trials", "0002_ctgov_import"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
