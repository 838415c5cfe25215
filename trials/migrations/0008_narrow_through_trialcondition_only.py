"""Trials are narrowed through TrialCondition on every database: the GIN index over condition codes that only
PostgreSQL had (migration 0003) is no longer used, so it goes. The same statement on SQLite finds nothing to drop."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("trials", "0007_where_each_registry_code_came_from"),
    ]

    operations = [
        migrations.RunSQL("DROP INDEX IF EXISTS trial_recruiting_codes_gin", reverse_sql=migrations.RunSQL.noop),
    ]
