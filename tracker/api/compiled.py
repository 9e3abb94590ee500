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

from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Field, IntegerField, Model, Prefetch, QuerySet, TextField
from django.db.models.sql.query import Query

from tracker.api.records import (
    Record,
    briefs_rows,
    children_rows,
    fill_briefs,
    fill_children,
    record_builder,
    reverse_relation,
)

Converters = list[tuple[int, tuple[list[Callable[..., Any]], Any]]]


def stand_ins(field: Field) -> tuple[Any, Any]:
    """Two values ``field`` takes: compiling with each shows which parameter is the key."""
    compared = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    if isinstance(compared, IntegerField):
        return 1, 2
    if isinstance(compared, CharField | TextField):
        return "a", "b"
    raise TypeError(f"no stand-in keys for {type(compared).__name__}")


class Statement:
    """The SQL of a queryset whose one changing parameter is a looked-up value."""

    def __init__(self, make: Callable[[Any], QuerySet[Any]], field: Field, using: str) -> None:
        """``make(value)`` is the queryset for ``value``, which ``field`` is compared to."""
        first, second = stand_ins(field)
        self.field = field
        self.using = using
        self.query, self.sql, self.params = self._compile(make(first))
        _, other_sql, other_params = self._compile(make(second))
        changed = [
            at
            for at, (one, two) in enumerate(zip(self.params, other_params, strict=True))
            if one != two
        ]
        if other_sql != self.sql or len(changed) != 1:
            raise TypeError(f"the value is not one parameter of {self.sql!r}")
        self.at = changed[0]
        compiler = self.query.get_compiler(using=using)
        compiler.setup_query()
        self.klass_info = compiler.klass_info
        self.select = compiler.select
        self.annotations = list(compiler.annotation_col_map.items())
        self._expressions = [column[0] for column in compiler.select[: compiler.col_count]]
        # Each thread has its own connection, and backend converters are its methods.
        self._converters: WeakKeyDictionary[BaseDatabaseWrapper, Converters] = WeakKeyDictionary()

    def _compile(self, queryset: QuerySet[Any]) -> tuple[Query, str, list[Any]]:
        sql, params = queryset.query.get_compiler(using=self.using).as_sql()
        return queryset.query, sql, list(params)

    def _converters_for(self, connection: BaseDatabaseWrapper) -> Converters:
        found = self._converters.get(connection)
        if found is None:
            compiler = self.query.get_compiler(connection=connection)
            found = self._converters[connection] = list(
                compiler.get_converters(self._expressions).items()
            )
        return found

    def rows(self, value: Any) -> list[Sequence[Any]]:
        """The rows for ``value``, converted as Django converts them; none for a
        value the field cannot take (a detail's key of the wrong type is no record,
        as DRF's ``get_object_or_404`` has it)."""
        connection = connections[self.using]
        try:
            key = self.field.get_db_prep_value(value, connection, prepared=False)
        except (TypeError, ValueError, ValidationError):
            return []
        params = list(self.params)
        params[self.at] = key
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows: list[Any] = cursor.fetchall()
        converters = self._converters_for(connection)
        if converters:
            rows = [list(row) for row in rows]
            for row in rows:
                for at, (functions, expression) in converters:
                    for convert in functions:
                        row[at] = convert(row[at], expression, connection)
        return rows


class KeyedRecords:
    """A queryset's records for one value of a field: ``make(value)``'s rows, as records.

    For reads whose SQL differs only in one key: a detail's row
    (``KeyedRead``), the positions of an event's response matrix.
    """

    def __init__(self, make: Callable[[Any], QuerySet[Any]], field: Field, using: str) -> None:
        self.statement = Statement(make, field, using)
        self.build = record_builder(self.statement.klass_info, self.statement.select)

    def records(self, value: Any) -> list[Record]:
        build, annotations = self.build, self.statement.annotations
        records = []
        for row in self.statement.rows(value):
            record = build(row)
            assert record is not None  # the main row always has its key
            for name, at in annotations:
                setattr(record, name, row[at])
            records.append(record)
        return records


class KeyedRead:
    """A read queryset's record for one value of a field, or None.

    For a queryset ``readable_as_records`` accepts: ``select_related`` rows
    nested as records, its prefetches filled as plain lists of records.
    """

    def __init__(self, queryset: QuerySet[Any], lookup_field: str, using: str) -> None:
        model: type[Model] = queryset.model
        field = model._meta.pk if lookup_field == "pk" else model._meta.get_field(lookup_field)
        if not isinstance(field, Field):
            raise TypeError(f"{lookup_field!r} is not a field of {model.__name__}")
        # As get(): no ordering, and two rows at most, enough to tell one record from several.
        self.main = KeyedRecords(
            lambda value: queryset.filter(**{lookup_field: value}).order_by()[:2], field, using
        )
        state: Any = queryset  # Django's private queryset state, which the stubs leave out
        self.related = [
            self._related(model, lookup, using) for lookup in state._prefetch_related_lookups
        ]
        self.model = model

    @staticmethod
    def _related(
        model: type[Model], lookup: Prefetch, using: str
    ) -> tuple[Prefetch, KeyedRecords | Statement]:
        """How to read a prefetch: its children as records, or the rows of its briefs."""
        reverse = reverse_relation(model, lookup)
        if reverse is not None:
            children = KeyedRecords(
                lambda value: children_rows(model, lookup, [value]), reverse.field, using
            )
            return lookup, children
        relation = model._meta.get_field(lookup.prefetch_through)
        owner: Field = relation.remote_field.through._meta.get_field(  # type: ignore[union-attr]
            relation.m2m_field_name()  # type: ignore[union-attr]
        )
        return lookup, Statement(lambda value: briefs_rows(model, lookup, [value]), owner, using)

    def get(self, value: Any) -> Record | None:
        found = self.main.records(value)
        if not found:
            return None
        if len(found) > 1:
            raise MultipleObjectsReturned(f"more than one {self.model.__name__} for {value!r}")
        record = found[0]
        for lookup, read in self.related:
            if isinstance(read, KeyedRecords):
                children = read.records(record.pk)
                fill_children([record], self.model, lookup, children)
            else:
                fill_briefs([record], self.model, lookup, read.rows(record.pk))
        return record


_compiled: dict[tuple[Any, str, str], KeyedRead | None] = {}


def keyed_read(
    owner: Any, queryset: QuerySet[Any], lookup_field: str, using: str
) -> KeyedRead | None:
    """``owner``'s ``KeyedRead`` (a viewset class: its read queryset never changes).

    None when the read cannot be compiled this way (a key of a type without
    stand-ins, say): the caller then reads the DRF way, as it always may.
    """
    key = (owner, lookup_field, using)
    if key not in _compiled:
        # Two threads may both compile the first time; either result serves.
        try:
            _compiled[key] = KeyedRead(queryset.using(using), lookup_field, using)
        except (TypeError, ValueError, ValidationError):
            _compiled[key] = None
    return _compiled[key]


_compiled_records: dict[tuple[Any, str], KeyedRecords] = {}


def keyed_records(
    owner: Any, make: Callable[[Any], QuerySet[Any]], field: Field, using: str, value: Any
) -> list[Record]:
    """``make(value)``'s records, by SQL compiled once per ``owner`` and database."""
    key = (owner, using)
    read = _compiled_records.get(key)
    if read is None:
        # Two threads may both compile the first time; either result serves.
        read = _compiled_records[key] = KeyedRecords(make, field, using)
    return read.records(value)
