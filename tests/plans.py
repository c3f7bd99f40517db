"""The query plan PostgreSQL gives a query in a test's tiny tables, made honest.

A table of a few rows is read fastest in full, or through any index that has a column of
the condition: statistics of its rows (ANALYZE), no sequential scan, and the competing
indexes dropped for the test's transaction show whether the index meant for the query
serves it.
"""

from django.db import connection


def plan(sql: str, params=(), *, table: str, keep: str = "", drop_on: tuple[str, ...] = ()) -> str:
    """``EXPLAIN`` of ``sql`` after dropping ``table``'s indexes (but ``keep``) whose
    definition names a column in ``drop_on``."""
    with connection.cursor() as cursor:
        for column in drop_on:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname <> %s"
                " AND indexdef LIKE %s",
                [table, keep, f"%{column}%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f'ANALYZE "{table}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())
