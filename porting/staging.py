"""Comments read from an export, held in a temporary table until they can be placed.

Exports list comments in any order: Blogger newest first, Disqus replies before the
comments they answer. The nested set wants a parent stored before its replies and
siblings stored in date order, and a 200 MB file must not be held in memory. So comments
wait here, in a PostgreSQL temporary table inside the import's transaction, and come
back a thread at a time (so a whole thread can be written at once), each ordered by
depth, then date, then position in the file.
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
                    data text NOT NULL,  -- JSON, only ever read back whole
                    depth integer,
                    root bigint,
                    root_at timestamptz,
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
                    VALUES (%s, %s, %s, %s, %s)
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

    def add_many(self, records: list[CommentRecord]) -> list[str | None]:
        """``add`` for many comments, in one INSERT when their ids are new: the ids staged.

        Ids repeated within ``records`` are told apart here as ``add`` would; a record
        whose id was staged by an earlier call goes through ``add``.
        """
        results: list[str | None] = [None] * len(records)
        wanted = [record.source_id for record in records]
        local: dict[str, str] = {}  # id → content digest, for this call's records
        rows = []
        for index, record in enumerate(records):
            content = record.digest(with_id=False)
            number = 1
            staged_id: str | None
            while True:
                staged_id = wanted[index] if number == 1 else f"{wanted[index]}#{number}"
                if staged_id not in local:
                    break
                if local[staged_id] == content:
                    staged_id = None  # the same comment again
                    break
                number += 1
            if staged_id is None:
                continue
            local[staged_id] = content
            record.source_id = staged_id
            rows.append((index, record, content))
        inserted: set[str] = set()
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params = [
                value
                for _index, record, content in chunk
                for value in (
                    record.source_id, record.parent_id, record.submitted_at, content,
                    record.to_json(),
                )
            ]  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {self.table}
                        (source_id, parent_id, submitted_at, content_digest, data)
                    VALUES {values}
                    ON CONFLICT (source_id) DO NOTHING
                    RETURNING source_id
                    """,  # noqa: S608 - the table name is ours, the values parameters
                    params,
                )
                inserted.update(row[0] for row in cursor.fetchall())
        self.size += len(inserted)
        for index, record, _content in rows:
            if record.source_id in inserted:
                results[index] = record.source_id
            else:  # staged by an earlier call: tell it apart there
                record.source_id = wanted[index]
                results[index] = self.add(record)
        for index, record in enumerate(records):
            if results[index] is None:
                record.source_id = wanted[index]
        return results

    def ordered(self):
        """Every staged comment as ``(thread, record)``, a thread at a time.

        Threads come in the order of their first comment (date, then file order); within
        one, parents before replies, siblings by date then file order. ``thread`` is the
        staging number of the thread's first comment: comments whose parent is not staged
        start a thread. Those in a cycle of parents (which no root reaches) come last,
        each with ``thread`` None.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE tree(seq, source_id, depth, root, root_at) AS (
                    SELECT s.seq, s.source_id, 0, s.seq, s.submitted_at FROM {self.table} s
                    WHERE s.parent_id = '' OR NOT EXISTS (
                        SELECT 1 FROM {self.table} p
                        WHERE p.source_id = s.parent_id AND p.seq <> s.seq
                    )
                    UNION ALL
                    SELECT c.seq, c.source_id, tree.depth + 1, tree.root, tree.root_at
                    FROM {self.table} c JOIN tree ON c.parent_id = tree.source_id
                    WHERE c.seq <> tree.seq
                )
                UPDATE {self.table} t SET depth = tree.depth, root = tree.root,
                    root_at = tree.root_at
                FROM tree WHERE t.seq = tree.seq
                """  # noqa: S608
            )
            cursor.execute(
                f"""
                UPDATE {self.table} t SET ord = r.n FROM (
                    SELECT seq, row_number() OVER (
                        ORDER BY root_at NULLS LAST, root NULLS LAST, depth NULLS LAST,
                            submitted_at, seq
                    ) AS n FROM {self.table}
                ) r WHERE t.seq = r.seq
                """  # noqa: S608
            )
        # One sort, read through a server-side cursor a batch at a time: paging with
        # "WHERE ord > last ... LIMIT" sorted (or scanned) the whole table for every page,
        # quadratic in the number of comments.
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT root, data FROM {self.table} ORDER BY ord")  # noqa: S608
            while rows := cursor.fetchmany(BATCH):
                for root, data in rows:
                    yield root, CommentRecord.from_json(data)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")
