"""New rows written with PostgreSQL's ``COPY``, a table at a time (imports), and single new
rows with an ``INSERT`` built once per model (``insert_object``: the posting path).

Here, at the bottom of the apps (porting -> moderation -> comments -> blog), so that each
app writes its own tables with it: ``comments.tree`` the threads, ``moderation`` their
audit events, ``porting`` its ledger.

``bulk_create`` spends most of an import's time in Python: each value goes through its
field's preparation, then psycopg quotes it into one long ``INSERT``. ``COPY`` streams
the values as they are, so a batch of 500 comments costs about what parsing them does.
Only for rows that are new and complete (ids reserved beforehand where they are needed):
no signals, no ``save()``, no returned ids. Each ``COPY`` is logged like a query where
Django logs queries (``DEBUG``, ``CaptureQueriesContext``), so query budgets count it.
"""

import time
from collections.abc import Callable, Iterable
from functools import cache
from typing import cast

from django.db import connection, models
from django.db.models.fields.mixins import FieldCacheMixin
from psycopg.types.json import Jsonb


def copy_objects(model: type[models.Model], objects: Iterable[models.Model]) -> None:
    """Insert unsaved ``objects`` of ``model``; with their ``pk`` if the first one has one."""
    objects = list(objects)
    if not objects:
        return
    with_pk = objects[0].pk is not None
    columns, readers = _plan(model, with_pk)
    rows = ([read(obj) for read in readers] for obj in objects)
    copy_rows(model._meta.db_table, columns, rows)


def copy_rows(table: str, columns: list[str], rows: Iterable[list]) -> None:
    """``COPY table (columns) FROM STDIN`` with ``rows``: one statement."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": sql, "time": f"{time.monotonic() - started:.3f}"}
        )  # fmt: skip


def insert_object(obj: models.Model) -> models.Model:
    """Insert one new ``obj`` (no pk yet) and give it its id, with an ``INSERT`` built once
    per model from the values ``copy_objects`` would write: ``save()`` rebuilt and compiled
    the statement each time, more CPU than the database spent on it. No signals: only for
    models nothing listens to (a comment's revisions and audit events)."""
    model = type(obj)
    _columns, readers = _plan(model, False)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model), [read(obj) for read in readers])
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


@cache
def _insert_sql(model: type[models.Model]) -> str:
    quote = connection.ops.quote_name
    columns, _readers = _plan(model, False)
    return (  # our table's and columns' names; the values are parameters
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(model._meta.pk.column)}"
    )


@cache
def _plan(model: type[models.Model], with_pk: bool) -> tuple[list[str], list]:
    """The columns ``COPY`` writes for ``model`` and how to read each from an object."""
    columns, readers = [], []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.GeneratedField) or (field.primary_key and not with_pk):
            continue
        columns.append(field.column)
        readers.append(_reader(field))
    return columns, readers


def _reader(field: models.Field) -> Callable[[models.Model], object]:
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    if isinstance(field, models.JSONField):
        return lambda obj: Jsonb(getattr(obj, attname))
    if field.is_relation:
        # As ``bulk_create`` does: a related object saved after it was assigned (a parent
        # numbered in the same batch) gives its id now.
        cache_name = cast(FieldCacheMixin, field).cache_name  # a ForeignKey, a OneToOneField

        def related_id(obj: models.Model) -> object:
            value = getattr(obj, attname)
            if value is None:
                related = obj._state.fields_cache.get(cache_name)
                value = related.pk if related is not None else None
            return value

        return related_id
    return lambda obj: getattr(obj, attname)
