"""Querysets compiled once per process, for the hottest read paths.

Building and compiling a queryset costs more CPU here than running it: the discussion's
query took ~1.0 ms to compile and ~0.1 ms of CPU to run (bench/profile.py). A ``Prepared``
query is built by the ORM once, with stand-in values, and compiled; each call runs the
same SQL with the real values in the stand-ins' places. The ORM stays the one place the
SQL comes from, so a model change changes it too.

Only for ``values_list`` querysets whose columns need no conversion from what psycopg
returns (plain fields and annotations; checked when compiled), and stand-ins that are
plain parameters of the SQL, each distinct from every other value in it (checked too).
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet


class Prepared:
    def __init__(self, build: Callable[..., QuerySet], **stand_ins):
        self._build = build
        self._stand_ins = stand_ins
        self._compiled: dict[str, tuple[str, list, list]] = {}  # by database alias

    def rows(self, *, using: str = "default", **values) -> list[tuple]:
        """The rows, as ``values_list`` would give them, for these values."""
        compiled = self._compiled.get(using)
        if compiled is None:
            compiled = self._compiled[using] = self._compile(using)
        sql, params, slots = compiled
        actual = [
            param if slot is None else values[slot]
            for param, slot in zip(params, slots, strict=True)
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, actual)
            return cursor.fetchall()

    def _compile(self, using: str) -> tuple[str, list, list]:
        queryset = self._build(**self._stand_ins)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = [self._slot(param) for param in params]
        if missing := set(self._stand_ins) - set(slots):
            raise ImproperlyConfigured(f"Stand-ins not among the query's parameters: {missing}")
        query = queryset.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        if not queryset._fields or list(queryset._fields) != names:
            raise ImproperlyConfigured("Prepared needs values_list() naming every column in order")
        selected = [expression for expression, _sql, _alias in compiler.select]
        if compiler.get_converters(selected):
            raise ImproperlyConfigured("Prepared cannot apply the ORM's column converters")
        return sql, list(params), slots

    def _slot(self, param) -> str | None:
        found = [
            name
            for name, stand_in in self._stand_ins.items()
            if type(param) is type(stand_in) and param == stand_in
        ]
        if len(found) > 1:
            raise ImproperlyConfigured(f"Stand-ins {found} have the same value")
        return found[0] if found else None
