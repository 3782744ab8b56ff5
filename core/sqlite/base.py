"""Django's SQLite backend, which also makes the database file's folder when it first connects.

The embedded defaults keep SQLite under DATA_DIR; the folder is made where it is first needed,
so that reading the settings creates nothing and a fresh checkout needs no setup step.
"""

from pathlib import Path

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        database = str(conn_params["database"])
        # In-memory databases (":memory:", and the "file:...?mode=memory" URIs of test runs) have no folder.
        if database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
