"""SQLite with Porch's pragmas on every connection (THREAT_MODEL R16).

`auto_vacuum` can only take effect on a database with no tables yet, and
asking for it on a live database waits for every writer's lock, so it is set
only when the file is new. The other pragmas come from `init_command`.
"""

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if conn.execute("PRAGMA page_count").fetchone()[0] <= 1:
            conn.execute("PRAGMA auto_vacuum=FULL")
            conn.execute("VACUUM")  # applies auto_vacuum to the empty file
            conn.execute("PRAGMA journal_mode=WAL")
        return conn
