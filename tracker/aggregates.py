"""Database functions the ORM lacks, written for both PostgreSQL and SQLite.

Development and the quick test run use SQLite; production uses PostgreSQL. An
expression here compiles to each backend's own SQL so the same queryset gives
the same numbers on both.

SQLite has no median, so importing this module registers a Python ``MEDIAN``
aggregate on every SQLite connection, the way Django registers its own helper
functions on SQLite connections.
"""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func, IntegerField

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


class Median(Aggregate):
    """The median of the non-null values (the mean of the middle two when even)."""

    function = "MEDIAN"
    name = "Median"
    output_field = FloatField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        # Aggregate.as_sql builds the FILTER clause around self.template, so the
        # ordered-set syntax goes there rather than into extra_context.
        clone = self.copy()
        clone.template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        return clone.as_sql(compiler, connection, **extra_context)


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (negative if end is earlier); null if either is."""

    arity = 2
    output_field = IntegerField()
    # PostgreSQL: subtracting two dates gives an integer number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start: Any, end: Any, **extra: Any) -> None:
        super().__init__(end, start, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> _AsSqlType:
        # SQLite stores dates as ISO text; julianday() turns them into numbers.
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        sql = f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)"
        return sql, (*end_params, *start_params)


class _SQLiteMedian:
    """The MEDIAN aggregate as SQLite's sqlite3.Connection.create_aggregate wants it."""

    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return float(statistics.median(self.values)) if self.values else None


def register_sqlite_functions(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SQLiteMedian)


connection_created.connect(register_sqlite_functions, dispatch_uid="tracker.aggregates.sqlite")

# Connections opened before this module was imported (the test database is
# created before the URL conf is loaded) never send connection_created again.
for _connection in connections.all(initialized_only=True):
    if _connection.connection is not None:
        register_sqlite_functions(_connection)
