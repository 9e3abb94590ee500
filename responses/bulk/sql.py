"""Writing many rows at once: COPY on PostgreSQL, ``bulk_create`` and ``bulk_update`` elsewhere.

A multi-row INSERT of a thousand records is slow on PostgreSQL for a reason
outside the database: the driver rewrites a statement with thousands of
placeholders on the client. COPY sends the rows as data instead, and is the
fastest way in on the server side too. COPY returns no ids, so the new
records' ids are drawn from the table's sequence first (one query), exactly
as the INSERT would have drawn them.

Searchable records get their search vector in the same statement: they are
copied into a temporary table and inserted from there with the expression
``tracker.search.vector_for`` builds (the one ``refresh_search_vectors``
writes). Filling the vector afterwards with an UPDATE would write every row
twice, and the second write, which rewrites the row and all its indexes,
cost more than the insert itself.

Updates go the same way: the changed columns are copied into a temporary
table and applied with one ``UPDATE ... FROM``, where ``bulk_update`` would
send a statement of a ``CASE`` per column with a branch per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, JSONField, Model
from django.utils import timezone

from tracker.search import SearchDocument, vector_for


def _column(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).column)  # type: ignore[union-attr]


def _uses_copy(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def _copy(using: str, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _vector_sql(model: type[Model], document: SearchDocument, using: str) -> tuple[str, Any]:
    """The search vector expression, reading the row from the table's own name."""
    query = model._default_manager.using(using).all().query
    # Resolved and compiled as an UPDATE's SET value would be.
    vector: Any = vector_for(model, document)
    expression = vector.resolve_expression(query, allow_joins=False, for_save=True)
    return query.get_compiler(using).compile(expression)


def _value_getter(field: Field, using: str) -> Any:
    connection = connections[using]
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        # pre_save fills created_at / updated_at, as an INSERT through the ORM would.
        return lambda instance: field.pre_save(instance, True)
    if isinstance(field, JSONField):
        return lambda instance: field.get_db_prep_save(getattr(instance, field.attname), connection)
    attname = field.attname
    return lambda instance: getattr(instance, attname)


def allocate_ids(using: str, model: type[Model], instances: list[Model]) -> None:
    """Give new records their ids now, from the table's sequence (PostgreSQL).

    Elsewhere ``insert_records`` gives them, as ``bulk_create`` does.
    """
    if not instances or not _uses_copy(using):
        return
    meta = model._meta
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk


def insert_records(using: str, model: type[Model], instances: list[Model]) -> None:
    """Insert new records (with the ids ``allocate_ids`` gave them, on PostgreSQL)."""
    if not instances:
        return
    if not _uses_copy(using):
        model._default_manager.using(using).bulk_create(instances)
        return
    connection = connections[using]
    meta = model._meta
    document: SearchDocument | None = getattr(model, "search_document", None)
    fields = [
        field
        for field in meta.concrete_fields
        if not (document is not None and field.name == "search_vector")
    ]
    getters = [_value_getter(field, using) for field in fields]
    rows = []
    for instance in instances:
        assert instance.pk is not None, "allocate_ids gives new records their ids"
        rows.append([get(instance) for get in getters])
        instance._state.adding = False
        instance._state.db = using
    columns = [str(field.column) for field in fields]
    if document is None:
        _copy(using, meta.db_table, columns, rows)
        return
    quote = connection.ops.quote_name
    table, stage = quote(meta.db_table), quote(f"bulk_{meta.db_table}")
    vector, params = _vector_sql(model, document, using)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {stage} (LIKE {table}) ON COMMIT DROP")
        _copy(using, f"bulk_{meta.db_table}", columns, rows)
        # The temporary table takes the table's name in the SELECT, so the
        # vector expression reads the new rows.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)}, "
            f"{quote(_column(model, 'search_vector'))}) "
            f"SELECT {', '.join(f'{table}.{quote(column)}' for column in columns)}, {vector} "
            f"FROM {stage} AS {table}",
            params,
        )
        cursor.execute(f"DROP TABLE {stage}")


def insert_rows(
    using: str, model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert plain rows (link tables, change-feed entries) whose ids nobody reads."""
    if not rows:
        return
    if not _uses_copy(using):
        model._default_manager.using(using).bulk_create(
            model(**dict(zip(columns, row, strict=True))) for row in rows
        )
        return
    meta = model._meta
    _copy(
        using,
        meta.db_table,
        [_column(model, name) for name in columns],
        rows,
    )


def update_records(
    using: str, model: type[Model], instances: list[Model], field_names: list[str]
) -> None:
    """Write these fields of existing records."""
    if not instances:
        return
    if not _uses_copy(using):
        model._default_manager.using(using).bulk_update(instances, field_names)
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [meta.pk, *(meta.get_field(name) for name in field_names)]
    getters = [_value_getter(field, using) for field in fields]  # type: ignore[arg-type]
    columns = [str(field.column) for field in fields]  # type: ignore[union-attr]
    table, stage = quote(meta.db_table), quote(f"bulk_{meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "
            f"SELECT {', '.join(quote(column) for column in columns)} FROM {table} WITH NO DATA"
        )
        _copy(
            using,
            f"bulk_{meta.db_table}",
            columns,
            [[get(i) for get in getters] for i in instances],
        )
        assignments = ", ".join(f"{quote(column)} = new.{quote(column)}" for column in columns[1:])
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM {stage} AS new "
            f"WHERE {table}.{quote(columns[0])} = new.{quote(columns[0])}"
        )
        cursor.execute(f"DROP TABLE {stage}")


# Columns simple-history adds to each historical table.
_HISTORY_BOOKKEEPING = ("history_date", "history_change_reason", "history_type", "history_user_id")


def insert_history(
    using: str, model: type[Model], instances: list[Model], history_type: str, reason: str
) -> None:
    """A history version per record, as a save would leave one (bulk writes bypass it).

    ``history_type`` is simple-history's ``+`` (created) or ``~`` (changed).
    On PostgreSQL the versions go in with COPY, like the records themselves.
    """
    if not instances:
        return
    manager = model.history  # type: ignore[attr-defined]
    if not _uses_copy(using):
        manager.bulk_history_create(
            instances, batch_size=2000, update=history_type == "~", default_change_reason=reason
        )
        return
    connection = connections[using]
    history_model = manager.model
    tracked = [
        field
        for field in history_model._meta.concrete_fields
        if field.attname not in {"history_id", *_HISTORY_BOOKKEEPING}
    ]
    now = timezone.now()
    rows = []
    for instance in instances:
        row = [
            field.get_db_prep_save(getattr(instance, field.attname), connection)
            if isinstance(field, JSONField)
            else getattr(instance, field.attname)
            for field in tracked
        ]
        rows.append([*row, now, reason, history_type, None])
    _copy(
        using,
        history_model._meta.db_table,
        [field.column for field in tracked] + list(_HISTORY_BOOKKEEPING),
        rows,
    )
