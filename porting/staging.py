"""Comments read from an export, held in a temporary table until they can be placed.

Exports list comments in any order: Blogger newest first, Disqus replies before the
comments they answer. The nested set wants a parent stored before its replies and
siblings stored in date order, and a 200 MB file must not be held in memory. So comments
wait here, in a PostgreSQL temporary table inside the import's transaction, and come
back ordered by depth in their thread, then date, then position in the file.
"""

import uuid

from django.db import connection

from porting.records import CommentRecord

BATCH = 500


class CommentStaging:
    def __init__(self):
        # A fresh name per import: tests (and a dry run followed by a real one) may run
        # several imports inside one outer transaction, before any ON COMMIT could drop it.
        self.table = f"import_staging_{uuid.uuid4().hex[:16]}"
        self.size = 0
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                CREATE TEMPORARY TABLE {self.table} (
                    seq bigserial PRIMARY KEY,
                    source_id text NOT NULL UNIQUE,
                    parent_id text NOT NULL,
                    submitted_at timestamptz NOT NULL,
                    content_digest text NOT NULL,
                    data jsonb NOT NULL,
                    depth integer,
                    ord bigint
                ) ON COMMIT DROP
                """
            )

    def add(self, record: CommentRecord) -> str | None:
        """Stage a comment; return the id it is staged under, or None for an exact repeat.

        A second comment with an id already seen is kept under ``<id>#2`` (``#3`` …) unless
        it is the same comment repeated, which is dropped. Replies naming that id are
        placed under the first one.
        """
        content = record.digest(with_id=False)
        wanted = record.source_id
        number = 1
        while True:
            record.source_id = wanted if number == 1 else f"{wanted}#{number}"
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {self.table}
                        (source_id, parent_id, submitted_at, content_digest, data)
                    VALUES (%s, %s, %s, %s, %s::jsonb)
                    ON CONFLICT (source_id) DO NOTHING
                    RETURNING seq
                    """,  # noqa: S608 - the table name is ours
                    [
                        record.source_id,
                        record.parent_id,
                        record.submitted_at,
                        content,
                        record.to_json(),
                    ],
                )
                if cursor.fetchone() is not None:
                    self.size += 1
                    return record.source_id
                cursor.execute(
                    f"SELECT content_digest FROM {self.table} WHERE source_id = %s",  # noqa: S608
                    [record.source_id],
                )
                if cursor.fetchone()[0] == content:
                    record.source_id = wanted
                    return None
            number += 1

    def ordered(self):
        """Every staged comment, parents before replies, siblings by date then file order.

        Comments whose parent is not staged count as roots; those in a cycle of parents
        (which no root reaches) come last.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE tree(seq, source_id, depth) AS (
                    SELECT s.seq, s.source_id, 0 FROM {self.table} s
                    WHERE s.parent_id = '' OR NOT EXISTS (
                        SELECT 1 FROM {self.table} p
                        WHERE p.source_id = s.parent_id AND p.seq <> s.seq
                    )
                    UNION ALL
                    SELECT c.seq, c.source_id, tree.depth + 1
                    FROM {self.table} c JOIN tree ON c.parent_id = tree.source_id
                    WHERE c.seq <> tree.seq
                )
                UPDATE {self.table} t SET depth = tree.depth FROM tree WHERE t.seq = tree.seq
                """  # noqa: S608
            )
            cursor.execute(
                f"""
                UPDATE {self.table} t SET ord = r.n FROM (
                    SELECT seq, row_number() OVER (
                        ORDER BY depth NULLS LAST, submitted_at, seq
                    ) AS n FROM {self.table}
                ) r WHERE t.seq = r.seq
                """  # noqa: S608
            )
        last = 0
        page = f"SELECT ord, data FROM {self.table} WHERE ord > %s ORDER BY ord LIMIT %s"  # noqa: S608
        while True:
            with connection.cursor() as cursor:
                cursor.execute(page, [last, BATCH])
                rows = cursor.fetchall()
            if not rows:
                return
            for _position, data in rows:
                yield CommentRecord.from_json(data)
            last = rows[-1][0]

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
