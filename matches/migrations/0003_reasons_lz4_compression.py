"""Compress Match.reasons with lz4 on PostgreSQL 14+ built with lz4; a no-op elsewhere.

Large reasons (old rows with rendered sentences, trees with many leaves) are TOASTed; lz4 compresses them
several times faster than the default pglz, which the matching upsert of thousands of rows pays for.
Only values written from now on are affected: existing ones keep their compression until rewritten.
"""

from django.db import migrations


def _lz4_available(schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return False
    with connection.cursor() as cursor:
        # The server lists lz4 among the choices of this setting only when it was built with lz4.
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return bool(row) and "lz4" in row[0]


def use_lz4(apps, schema_editor):
    if _lz4_available(schema_editor):
        schema_editor.execute("ALTER TABLE matches_match ALTER COLUMN reasons SET COMPRESSION lz4")


def use_default(apps, schema_editor):
    if _lz4_available(schema_editor):
        schema_editor.execute("ALTER TABLE matches_match ALTER COLUMN reasons SET COMPRESSION DEFAULT")


class Migration(migrations.Migration):

    dependencies = [
        ("matches", "0002_contact_log_and_task_health"),
    ]

    operations = [
        migrations.RunPython(use_lz4, use_default),
    ]
