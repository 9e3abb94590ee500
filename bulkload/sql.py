"""Writing many rows at once: COPY on PostgreSQL, ``bulk_create`` and ``bulk_update`` elsewhere.

A multi-row INSERT of a thousand records is slow on PostgreSQL for a reason
outside the database: the driver rewrites a statement with thousands of
placeholders on the client. COPY sends the rows as data instead, and is the
fastest way in on the server side too. COPY returns no ids, so the new
records' ids are drawn from the table's sequence first (one query), exactly
as the INSERT would have drawn them.

Searchable records get their search vector in the same statement: they are
copied into a temporary table and inserted from there with the vector
``refresh_search_vectors`` would write (see ``_staged_vector``). Filling
the vector afterwards with an UPDATE would write every row twice, and the
second write, which rewrites the row and all its indexes, cost more than the
insert itself.

Updates go the same way: the changed columns are copied into a temporary
table and applied with one ``UPDATE ... FROM``, where ``bulk_update`` would
send a statement of a ``CASE`` per column with a branch per row.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Field, JSONField, Model

from tracker.search import SearchDocument, piece_vector


def chunked(ids: list[Any], size: int = 900) -> Iterator[list[Any]]:
    """Ids in groups that stay under SQLite's limit of query parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def column_of(model: type[Model], name: str) -> str:
    return str(model._meta.get_field(name).column)  # type: ignore[union-attr]


def uses_copy(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def _copy(using: str, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _stage_name(model: type[Model]) -> str:
    """The temporary table new records of ``model`` are staged in."""
    return f"bulk_new_{model._meta.db_table}"


def _compiled(model: type[Model], expression: Any, using: str) -> tuple[str, list[Any]]:
    """SQL for an expression over ``model``'s table, as an UPDATE's SET value compiles it."""
    query = model._default_manager.using(using).all().query
    resolved = expression.resolve_expression(query, allow_joins=False, for_save=True)
    sql, params = query.get_compiler(using).compile(resolved)
    return sql, list(params)


@dataclass(frozen=True)
class _StagedVector:
    """The search vector of staged rows: ``select`` reads the row as if it were
    in the table (the stage takes the table's name), ``joins`` follow the FROM."""

    select: str
    select_params: list[Any]
    joins: str
    join_params: list[Any]


_staged_vectors: dict[tuple[type[Model], str], _StagedVector] = {}


def _staged_vector(model: type[Model], document: SearchDocument, using: str) -> _StagedVector:
    """``tracker.search.vector_for``, with the parts taken from related records
    (an actor's name, an event's title) computed once per related record.

    Those names repeat over thousands of rows, and ``to_tsvector`` is the
    dearest part of an insert: per row, they cost twice the row's own text.
    The pieces are joined with ``||`` in the same order, so the vector is
    the one ``refresh_search_vectors`` writes.
    """
    key = (model, using)
    if key in _staged_vectors:
        return _staged_vectors[key]
    quote = connections[using].ops.quote_name
    stage = quote(_stage_name(model))
    table = quote(model._meta.db_table)
    pieces, select_params, joins, join_params = [], [], [], []
    for number, (path, weight) in enumerate(document.weighted_paths()):
        if "__" not in path:
            sql, params = _compiled(model, piece_vector(model, path, weight), using)
            pieces.append(sql)
            select_params.extend(params)
            continue
        relation, name = path.split("__", 1)
        foreign_key = quote(column_of(model, relation))
        related = model._meta.get_field(relation).related_model
        assert isinstance(related, type)
        assert issubclass(related, Model)
        sql, params = _compiled(related, piece_vector(related, name, weight), using)
        related_table = quote(related._meta.db_table)
        related_pk = quote(str(related._meta.pk.column))
        alias = f"related_{number}"
        joins.append(
            f"LEFT JOIN (SELECT {related_table}.{related_pk} AS id, {sql} AS vector "
            f"FROM {related_table} WHERE {related_table}.{related_pk} IN "
            f"(SELECT {foreign_key} FROM {stage})) AS {alias} "
            f"ON {alias}.id = {table}.{foreign_key}"
        )
        join_params.extend(params)
        # No related record reads as the empty text, as in the subquery's COALESCE.
        pieces.append(f"COALESCE({alias}.vector, ''::tsvector)")
    select = pieces[0]
    for piece in pieces[1:]:
        select = f"({select} || {piece})"
    staged = _StagedVector(select, select_params, " ".join(joins), join_params)
    _staged_vectors[key] = staged
    return staged


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

    Elsewhere ``stage_records`` gives them, as ``bulk_create`` does.
    """
    if not instances or not uses_copy(using):
        return
    meta = model._meta
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
            instance.pk = pk


@dataclass
class NewRows:
    """New records as the rows ``stage_records`` writes.

    Made apart from the writing so that the loading thread does this Python
    work, and the writing thread only waits for the database.
    """

    model: type[Model]
    instances: list[Model]
    columns: list[str]
    rows: list[list[Any]]


def new_rows(using: str, model: type[Model], instances: list[Model]) -> NewRows:
    """The rows of new records (with the ids ``allocate_ids`` gave them, on PostgreSQL)."""
    if not instances or not uses_copy(using):
        return NewRows(model, instances, [], [])
    document: SearchDocument | None = getattr(model, "search_document", None)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (document is not None and field.name == "search_vector")
    ]
    getters = [_value_getter(field, using) for field in fields]
    rows = []
    for instance in instances:
        assert instance.pk is not None, "allocate_ids gives new records their ids"
        rows.append([get(instance) for get in getters])
        instance._state.adding = False
        instance._state.db = using
    return NewRows(model, instances, [str(field.column) for field in fields], rows)


def stage_records(using: str, new: NewRows) -> None:
    """The first half of inserting new records: on PostgreSQL, copy searchable
    records into their stage (``insert_staged`` inserts them from there) and
    other records into their table; elsewhere, insert them (which gives them
    their ids)."""
    model, columns, rows = new.model, new.columns, new.rows
    if not new.instances:
        return
    if not uses_copy(using):
        model._default_manager.using(using).bulk_create(new.instances)
        return
    if getattr(model, "search_document", None) is None:
        _copy(using, model._meta.db_table, columns, rows)
        return
    quote = connections[using].ops.quote_name
    stage = quote(_stage_name(model))
    with connections[using].cursor() as cursor:
        # One stage per table for the whole transaction: creating and dropping
        # it for every batch cost a tenth of a load, in catalog writes.
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} "
            f"(LIKE {quote(model._meta.db_table)}) ON COMMIT DROP"
        )
        cursor.execute(f"TRUNCATE {stage}")
    _copy(using, _stage_name(model), columns, rows)


def insert_staged(using: str, new: NewRows) -> None:
    """The second half: insert the staged records, with their search vectors."""
    model, columns = new.model, new.columns
    document: SearchDocument | None = getattr(model, "search_document", None)
    if not new.instances or not uses_copy(using) or document is None:
        return
    quote = connections[using].ops.quote_name
    table, stage = quote(model._meta.db_table), quote(_stage_name(model))
    vector = _staged_vector(model, document, using)
    with connections[using].cursor() as cursor:
        # The stage takes the table's name in the SELECT, so the vector
        # expression reads the new rows.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)}, "
            f"{quote(column_of(model, 'search_vector'))}) "
            f"SELECT {', '.join(f'{table}.{quote(column)}' for column in columns)}, "
            f"{vector.select} FROM {stage} AS {table} {vector.joins}",
            [*vector.select_params, *vector.join_params],
        )


def check_foreign_keys(using: str) -> None:
    """Check the foreign keys of the rows written so far, now (PostgreSQL).

    Django's foreign keys are checked at the end of the transaction, so that
    rows may be written in any order; a load would spend its last seconds
    there, with nothing else to do. Checked batch by batch instead, in the
    writing thread, they cost the load nothing. Later rows are deferred again.
    """
    if not uses_copy(using):
        return
    connections[using].check_constraints()


def insert_rows(
    using: str, model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert plain rows (link tables, change-feed entries) whose ids nobody reads."""
    if not rows:
        return
    if not uses_copy(using):
        model._default_manager.using(using).bulk_create(
            model(**dict(zip(columns, row, strict=True))) for row in rows
        )
        return
    meta = model._meta
    _copy(
        using,
        meta.db_table,
        [column_of(model, name) for name in columns],
        rows,
    )


def update_records(
    using: str, model: type[Model], instances: list[Model], field_names: list[str]
) -> None:
    """Write these fields of existing records."""
    if not instances:
        return
    if not uses_copy(using):
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
