"""Querysets compiled once per process, for the hottest read paths.

Building and compiling a queryset costs more CPU here than running it: the discussion's
query took ~1.0 ms to compile and ~0.1 ms of CPU to run (bench/profile.py). A ``Prepared``
query is built by the ORM once, with stand-in values, and compiled; each call runs the
same SQL with the real values in the stand-ins' places. The ORM stays the one place the
SQL comes from, so a model change changes it too.

Only for ``values_list`` querysets (columns the ORM converts, such as a count or a JSON
field, are converted as it would), and stand-ins that are plain parameters of the SQL,
each distinct from every other value in it (checked when compiled).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import GeneratedField, Model, QuerySet

_M = TypeVar("_M", bound=Model)


def model_columns(model: type[Model], prefix: str = "") -> list[str]:
    """``model``'s stored columns in its own field order, for ``values_list`` (and for
    ``Prepared.instances``), without the generated ones (search vectors: for no page)."""
    return [
        prefix + field.attname
        for field in model._meta.concrete_fields
        if not isinstance(field, GeneratedField)
    ]


class Prepared:
    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **stand_ins: Any) -> None:
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, _Compiled] = {}  # by database alias

    def rows(self, *, using: str = "default", **values: Any) -> list[tuple]:
        """The rows, as ``values_list`` would give them, for these values."""
        return list(self.each_row(using=using, **values))

    def each_row(
        self, *, using: str = "default", chunk: int = 500, **values: Any
    ) -> Iterator[tuple]:
        """The rows one by one, made ``chunk`` at a time: a caller that keeps something
        smaller than each row never holds every row at once."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        actual = [
            param if slot is None else values[slot]
            for param, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, actual)
            while rows := cursor.fetchmany(chunk):
                if compiled.converters:
                    rows = [_converted(row, compiled.converters, connection) for row in rows]
                yield from rows

    def instances(self, model: type[_M], *, using: str = "default", **values: Any) -> list[_M]:
        """The rows as ``model`` instances, as the ORM makes them (``from_db``), when the
        query's columns are ``model_columns(model)``: the ones left out stay deferred."""
        rows = self.rows(using=using, **values)
        names = self._compiled[using].columns
        return [model.from_db(using, names, row) for row in rows]

    def _compile(self, using: str) -> "_Compiled":
        queryset = self._build(**self._stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [self._slot(param) for param in params]
        if missing := set(self._stand_ins) - set(slots):
            raise ImproperlyConfigured(f"Stand-ins not among the query's parameters: {missing}")
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = queryset._fields  # type: ignore[attr-defined]  # Django's; stubs omit it
        if not fields or list(fields) != names:
            raise ImproperlyConfigured("Prepared needs values_list() naming every column in order")
        selected = [expression for expression, _sql, _alias in compiler.select]
        converters = sorted(compiler.get_converters(selected).items())
        return _Compiled(sql, list(params), slots, names, converters)

    def _slot(self, param: object) -> str | None:
        found = [
            name
            for name, stand_in in self._stand_ins.items()
            # isinstance: the ORM may wrap an integer for its column type (psycopg's Int4).
            if isinstance(param, type(stand_in)) and param == stand_in
        ]
        if len(found) > 1:
            raise ImproperlyConfigured(f"Stand-ins {found} have the same value")
        return found[0] if found else None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list  # with the stand-ins' values
    slots: list[str | None]  # the stand-in each parameter is, if any
    columns: list[str]
    # The ORM's converters by column (a count's int(), a JSON field's loads): none for
    # plain fields and most annotations, so most prepared rows come as psycopg reads them.
    converters: list[tuple[int, tuple[list, object]]]


def _converted(
    row: tuple,
    converters: list[tuple[int, tuple[list, object]]],
    connection: BaseDatabaseWrapper,
) -> tuple:
    values = list(row)
    for position, (functions, expression) in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return tuple(values)
