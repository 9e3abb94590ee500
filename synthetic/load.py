"""Writing generated rows fast: COPY on PostgreSQL, batched inserts elsewhere.

On PostgreSQL the whole load is one transaction. The tables' secondary
indexes and their foreign-key and unique constraints are dropped first and
rebuilt at the end from their own definitions (``pg_get_indexdef``,
``pg_get_constraintdef``), so the schema is exactly what the migrations made:
building an index once over a million rows is far cheaper than updating it a
million times, and re-adding a foreign key checks every row in one join
instead of one trigger call per row. The search vectors are filled in bulk
between the two (tracker.search), before the GIN indexes exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

from actors.models import Actor, Membership
from responses.models import Change
from responses.signals import SEARCHABLE
from synthetic.tables import Table, column_names
from tracker.search import refresh_search_vectors

BATCH = 5_000


class NotEmpty(Exception):
    """The tracker already holds records; generated ids would clash with theirs."""


@dataclass
class LoadReport:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, started: float) -> None:
        self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - started


def tracker_models() -> list[type[Model]]:
    """Every table generate_data fills, and the change feed it leaves empty."""
    from django.apps import apps

    models: list[type[Model]] = []
    for app in ("actors", "responses"):
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            models.append(model)
    return models


def ensure_empty(using: str) -> None:
    models: tuple[type[Model], ...] = (Actor, Membership, *SEARCHABLE)
    for model in models:
        if model._default_manager.using(using).exists():
            raise NotEmpty(f"{model._meta.verbose_name_plural} already exist in {using!r}")


def flush(using: str) -> None:
    """Remove every tracker record (not users or tokens)."""
    connection = connections[using]
    tables = [model._meta.db_table for model in tracker_models()]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
            return
        # Children first, so foreign keys never dangle.
        for table in reversed(tables):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence")


def load(tables: Iterable[Table], using: str, log: Callable[[str], None] = print) -> LoadReport:
    connection = connections[using]
    if connection.vendor == "postgresql":
        return _load_postgres(tables, connection, log)
    return _load_batched(tables, connection, log)


# PostgreSQL


@dataclass
class _Definitions:
    """SQL to recreate what was dropped, in the order to run it."""

    statements: list[str] = field(default_factory=list)


def _drop_secondary_structures(cursor: Any, tables: list[str]) -> _Definitions:
    definitions = _Definitions()
    # Unique and foreign-key constraints (their indexes go with them).
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
        ORDER BY c.contype DESC  -- unique before foreign key, so references find their key
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    # Plain indexes, but not those behind a constraint or the primary key.
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _, _kind in sorted(constraints, key=lambda row: row[3]):  # 'f' before 'u'
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    definitions.statements += [definition for _, definition in indexes]
    definitions.statements += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition, _ in constraints
    ]
    return definitions


def _load_postgres(
    tables: Iterable[Table], connection: BaseDatabaseWrapper, log: Callable[[str], None]
) -> LoadReport:
    report = LoadReport()
    names = [model._meta.db_table for model in tracker_models() if model is not Change]
    with transaction.atomic(using=connection.alias), connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        # More memory for sorts while the indexes are built; this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        started = time.perf_counter()
        definitions = _drop_secondary_structures(cursor, names)
        report.timed("drop indexes and constraints", started)
        for table in tables:
            started = time.perf_counter()
            count = _copy(cursor, table)
            report.rows[table.model._meta.db_table] = count
            report.timed("generate and copy", started)
            seconds = time.perf_counter() - started
            log(f"  {table.model._meta.db_table}: {count} rows in {seconds:.1f}s")
        for table_name in names:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "GREATEST((SELECT max(id) FROM " + table_name + "), 1))",
                [table_name],
            )
        started = time.perf_counter()
        for model in SEARCHABLE:
            refresh_search_vectors(model._default_manager.using(connection.alias).all())
        report.timed("search vectors", started)
        log(f"  search vectors in {report.seconds['search vectors']:.1f}s")
        started = time.perf_counter()
        for statement in definitions.statements:
            cursor.execute(statement)
        report.timed("indexes and constraints", started)
        log(f"  indexes and constraints in {report.seconds['indexes and constraints']:.1f}s")
    started = time.perf_counter()
    # The vectors were written by an UPDATE: vacuum the old row versions away
    # and give the planner fresh statistics (VACUUM cannot run in a transaction).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table_name in names:
            cursor.execute(f"{command} {table_name}")
    report.timed("vacuum analyze", started)
    log(f"  vacuum analyze in {report.seconds['vacuum analyze']:.1f}s")
    return report


def _copy(cursor: Any, table: Table) -> int:
    columns = ", ".join(f'"{name}"' for name in column_names(table))
    count = 0
    with cursor.copy(f'COPY "{table.model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in table.rows:
            copy.write_row(row)
            count += 1
    return count


# Other databases (SQLite): plain batched inserts


def _load_batched(
    tables: Iterable[Table], connection: BaseDatabaseWrapper, log: Callable[[str], None]
) -> LoadReport:
    report = LoadReport()
    ops = connection.ops
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for table in tables:
            started = time.perf_counter()
            adapters = [_adapter(table.model, name, connection) for name in table.fields]
            columns = ", ".join(ops.quote_name(name) for name in column_names(table))
            marks = ", ".join(["%s"] * len(table.fields))
            name = ops.quote_name(table.model._meta.db_table)
            sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"
            count = 0
            batch: list[list[Any]] = []
            for row in table.rows:
                batch.append([adapt(value) for adapt, value in zip(adapters, row, strict=True)])
                if len(batch) == BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
            report.rows[table.model._meta.db_table] = count
            report.timed("generate and insert", started)
            seconds = time.perf_counter() - started
            log(f"  {table.model._meta.db_table}: {count} rows in {seconds:.1f}s")
        # SQLite keeps no statistics of its own: without them it plans a
        # search of a million positions as if every table were small.
        started = time.perf_counter()
        cursor.execute("ANALYZE")
        report.timed("analyze", started)
        log(f"  analyze in {report.seconds['analyze']:.1f}s")
    return report


def _adapter(
    model: type[Model], name: str, connection: BaseDatabaseWrapper
) -> Callable[[Any], Any]:
    """How the backend wants a value of this field (dates as text on SQLite, say)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field), f"{name} is not a column"
    internal = field.get_internal_type()
    ops = connection.ops
    convert: Callable[[Any], Any] | None = {
        "DateTimeField": ops.adapt_datetimefield_value,
        "DateField": ops.adapt_datefield_value,
        "DecimalField": lambda value: ops.adapt_decimalfield_value(value, 20, 2),
    }.get(internal)
    if convert is None:
        return lambda value: value
    return lambda value: None if value is None else convert(value)
