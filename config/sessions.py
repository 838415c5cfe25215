"""Django's database sessions, each read and write one SQL statement instead of a trip through the ORM.

Every step of the intake wizard reads the session and writes it back (its answers so far live there,
server-side, never in a cookie). Measured in-process (docs/perf-load.md), the ORM's building of those two
queries and of a Session model instance was a fifth of an intake POST's CPU. Same table, same encoding and
expiry, same errors as django.contrib.sessions.backends.db (whose other methods this keeps), so the
`clearsessions` command and the admin work as before. Sessions stay in PostgreSQL on purpose: Redis here
keeps nothing on disk, and a patient's half-finished intake must survive a Redis outage.
"""

from contextlib import nullcontext

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _sql(self, template):
        connection = connections[router.db_for_write(self.model)]
        qn = connection.ops.quote_name
        return connection, template.format(table=qn(self.model._meta.db_table), key=qn("session_key"),
                                           data=qn("session_data"), expire=qn("expire_date"))

    def load(self):
        connection, sql = self._sql("SELECT {data} FROM {table} WHERE {key} = %s AND {expire} > %s")
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        data = self._get_session(no_load=must_create)
        values = [self.encode(data), self.get_expiry_date(), self._get_or_create_session_key()]
        if must_create:
            connection, sql = self._sql("INSERT INTO {table} ({data}, {expire}, {key}) VALUES (%s, %s, %s)")
            try:
                # A savepoint inside a surrounding transaction, so a clash of keys can be retried (create()).
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    cursor.execute(sql, values)
            except IntegrityError:
                raise CreateError
            return
        connection, sql = self._sql("UPDATE {table} SET {data} = %s, {expire} = %s WHERE {key} = %s")
        # In autocommit the statement is its own transaction (one round trip); inside a surrounding one, a
        # savepoint keeps a failure from breaking it.
        guard = transaction.atomic(using=connection.alias) if connection.in_atomic_block else nullcontext()
        try:
            with guard, connection.cursor() as cursor:
                cursor.execute(sql, values)
                updated = cursor.rowcount
        except DatabaseError:
            raise UpdateError
        if updated != 1:  # deleted meanwhile (signed out in another tab): as Django's own backend says
            raise UpdateError
