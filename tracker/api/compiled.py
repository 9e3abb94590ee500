"""One record read by its key, with SQL compiled once per process.

Django compiles a queryset's SQL every time it runs it. For a position's
detail (four joined briefs, then its sources) that takes longer than
PostgreSQL takes to answer, once it has a prepared plan (tracker/settings.py).
Two details of the same resource differ only in the key, so ``KeyedRead``
compiles each query once, with a stand-in key, and puts the request's key
among the parameters in its place. The rows are read as records
(tracker.api.records), as JSON lists read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import MultipleObjectsReturned
from django.db import connections
from django.db.models import Field, IntegerField, Model, Prefetch, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from tracker.api.records import (
    Builder,
    Record,
    briefs_rows,
    children_rows,
    fill_briefs,
    fill_children,
    record_builder,
    reverse_relation,
)

# Two values any key field accepts: compiling with each shows which parameter is the key.
STAND_INS = {int: (1, 2), str: ("a", "b")}


class Statement:
    """The SQL of a queryset whose one changing parameter is a looked-up value."""

    def __init__(self, make: Any, field: Field, using: str) -> None:
        """``make(value)`` is the queryset for ``value``, which ``field`` is compared to."""
        compared = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
        first, second = STAND_INS[int if isinstance(compared, IntegerField) else str]
        self.field = field
        self.using = using
        self.compiler, self.sql, self.params = self._compile(make(first))
        _, other_sql, other_params = self._compile(make(second))
        changed = [
            at
            for at, (one, two) in enumerate(zip(self.params, other_params, strict=True))
            if one != two
        ]
        if other_sql != self.sql or len(changed) != 1:
            raise TypeError(f"the value is not one parameter of {self.sql!r}")
        self.at = changed[0]
        columns = self.compiler.select[: self.compiler.col_count]
        self.converters = list(self.compiler.get_converters([c[0] for c in columns]).items())

    def _compile(self, queryset: QuerySet[Any]) -> tuple[SQLCompiler, str, list[Any]]:
        compiler = queryset.query.get_compiler(using=self.using)
        sql, params = compiler.as_sql()
        return compiler, sql, list(params)

    def rows(self, value: Any) -> list[Sequence[Any]]:
        """The rows for ``value``, converted as Django converts them.

        ``value`` is what the URL gave: one the field cannot take raises
        ``ValueError``, ``TypeError`` or ``ValidationError``, as a queryset would.
        """
        connection = connections[self.using]
        params = list(self.params)
        params[self.at] = self.field.get_db_prep_value(value, connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: list[Any] = cursor.fetchall()
        if self.converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for at, (converters, expression) in self.converters:
                    for converter in converters:
                        row[at] = converter(row[at], expression, connection)
        return rows


class KeyedRead:
    """A read queryset's record for one value of a field, or None.

    For a queryset ``readable_as_records`` accepts: ``select_related`` rows
    nested as records, its prefetches filled as plain lists of records.
    """

    def __init__(self, queryset: QuerySet[Any], lookup_field: str, using: str) -> None:
        model: type[Model] = queryset.model
        field = model._meta.pk if lookup_field == "pk" else model._meta.get_field(lookup_field)
        assert isinstance(field, Field)
        queryset = queryset.using(using)
        # Two rows at most: enough to tell one record from several, as get() does.
        self.main = Statement(
            lambda value: queryset.filter(**{lookup_field: value})[:2], field, using
        )
        compiler = self.main.compiler
        self.build = record_builder(compiler.klass_info, compiler.select)
        self.annotations = list(compiler.annotation_col_map.items())
        state: Any = queryset  # Django's private queryset state, which the stubs leave out
        self.related = [
            self._related(model, lookup, using) for lookup in state._prefetch_related_lookups
        ]
        self.model = model

    @staticmethod
    def _related(
        model: type[Model], lookup: Prefetch, using: str
    ) -> tuple[Prefetch, Statement, Builder | None]:
        """The statement of a prefetch, and how to build its records (None: briefs)."""
        reverse = reverse_relation(model, lookup)
        if reverse is not None:
            statement = Statement(
                lambda value: children_rows(model, lookup, [value]), reverse.field, using
            )
            compiler = statement.compiler
            return lookup, statement, record_builder(compiler.klass_info, compiler.select)
        relation = model._meta.get_field(lookup.prefetch_through)
        owner: Field = relation.remote_field.through._meta.get_field(  # type: ignore[union-attr]
            relation.m2m_field_name()  # type: ignore[union-attr]
        )
        statement = Statement(lambda value: briefs_rows(model, lookup, [value]), owner, using)
        return lookup, statement, None

    def get(self, value: Any) -> Record | None:
        rows = self.main.rows(value)
        if not rows:
            return None
        if len(rows) > 1:
            raise MultipleObjectsReturned(f"more than one {self.model.__name__} for {value!r}")
        row = rows[0]
        record = self.build(row)
        assert record is not None  # the main row always has its key
        for name, at in self.annotations:
            setattr(record, name, row[at])
        for lookup, statement, build in self.related:
            rows = statement.rows(record.pk)
            if build is None:
                fill_briefs([record], self.model, lookup, rows)
            else:
                children = [build(row) for row in rows]
                fill_children([record], self.model, lookup, children)  # type: ignore[arg-type]
        return record


_compiled: dict[tuple[Any, str, str], KeyedRead] = {}


def keyed_read(owner: Any, queryset: QuerySet[Any], lookup_field: str, using: str) -> KeyedRead:
    """``owner``'s ``KeyedRead`` (a viewset class: its read queryset never changes)."""
    key = (owner, lookup_field, using)
    read = _compiled.get(key)
    if read is None:
        # Two threads may both compile the first time; either result serves.
        read = _compiled[key] = KeyedRead(queryset, lookup_field, using)
    return read
