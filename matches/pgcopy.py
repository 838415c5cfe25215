"""Bulk writes of matches and their events through PostgreSQL's COPY.

A first match can write 1,000–2,000 rows for one patient. Sent as one `INSERT … VALUES (…), (…)` (psycopg2's
execute_values), most of the time went on the server parsing and type-checking ~700 bytes of SQL literals per
row (~50 µs a row, with or without indexes, docs/perf-matching.md), plus ~25 µs a row quoting them in Python.
COPY sends the same values as tab-separated text, which the server reads without the SQL parser: the rows go
into a per-connection temporary table, then one `INSERT … SELECT … ON CONFLICT` upserts them all.

Only for PostgreSQL; services.py falls back to bulk_create elsewhere.
"""

import io

import orjson
from django.db import connection, models, transaction

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
_UNSET = object()


def _json(value):
    # orjson: ~1 µs for a match's reasons against ~13 µs for json.dumps, and it never writes NaN. JSON text
    # holds no raw tab, newline or carriage return, so a backslash is the one character COPY needs escaped.
    text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    return text.replace("\\", "\\\\") if "\\" in text else text


def _converter(field):
    """The function that writes one value of this model field in COPY's text format (None is NULL)."""
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.BooleanField):
        return lambda value: "t" if value else "f"
    if isinstance(field, models.FloatField):
        return lambda value: repr(float(value))
    if isinstance(field, (models.IntegerField, models.ForeignKey, models.AutoField)):
        return lambda value: str(int(value))
    if isinstance(field, models.DateTimeField):
        return lambda value: value.isoformat()
    return lambda value: str(value).translate(_ESCAPES)


def copy_payload(model, rows, columns):
    """Rows (dicts) as a file of COPY text lines, columns in the given order (attnames of model's fields)."""
    by_column = {field.attname: field for field in model._meta.concrete_fields}
    texts = []
    for column in columns:  # column by column: one converter each, and a value repeated row after row
        convert = _converter(by_column[column])  # (the run's timestamp, the patient) is written once
        last, last_text, out = _UNSET, None, []
        for row in rows:
            value = row[column]
            if value is not last:
                last, last_text = value, NULL if value is None else convert(value)
            out.append(last_text)
        texts.append(out)
    lines = ["\t".join(line) for line in zip(*texts, strict=True)]
    lines.append("")
    return io.StringIO("\n".join(lines))


def upsert(model, rows, *, columns, conflict, update, returning):
    """INSERT rows (dicts of `columns`) into model's table; on a conflict over `conflict`, set `update` from the
    new row. Returns the `returning` columns of every written row, as tuples."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    staging = qn(f"tb_staging_{model._meta.db_table}")
    column_list = ", ".join(qn(c) for c in columns)
    sql = (
        f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
        f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO UPDATE SET "
        + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in update)
        + f" RETURNING {', '.join(qn(c) for c in returning)}"
    )
    # The staging table lives as long as the connection: created the first time (empty, the real columns'
    # types), emptied at each commit, and after each use too, so a second upsert in one transaction starts clean.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS "
            f"AS SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.cursor.copy_expert(f"COPY {staging} ({column_list}) FROM STDIN", copy_payload(model, rows, columns))
        cursor.execute(sql)
        written = cursor.fetchall()
        cursor.execute(f"DELETE FROM {staging}")
    return written


def insert(model, rows, *, columns):
    """COPY rows (dicts of `columns`) straight into model's table."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN",
            copy_payload(model, rows, columns),
        )
