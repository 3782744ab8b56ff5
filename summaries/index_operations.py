"""Migration operations that build an index without stopping writes to a large table.

A plain `AddIndex` on PostgreSQL takes a lock that makes every insert and update of the table wait
until the index is built: on a table of a million submissions that is seconds of submits hanging
during a deploy. `CREATE INDEX CONCURRENTLY` lets them go on. It cannot run inside a transaction,
so a migration using these operations sets `atomic = False`; if a concurrent build fails (for
example a deploy cut short), PostgreSQL leaves an INVALID index behind: drop it and migrate again
(docs/growth.md). Other databases get the plain operation: SQLite has no concurrent build, and
its tables are small enough, or its writers few enough, for the plain one.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations import AddIndex


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
