"""History versions for rows the loader wrote in bulk, made inside the database.

Bulk writes bypass simple-history's signals, so each written record gets the
version a save would have left, copied from the row itself, with the
snapshot of its to-many links.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections
from django.db.models import Model
from django.utils import timezone

from bulkload.sql import chunked, column_of, uses_copy

# Columns simple-history adds to each historical table.
_HISTORY_BOOKKEEPING = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _pk_chunks(using: str, pks: list[Any]) -> Iterator[tuple[str, list[Any]]]:
    """``IN`` conditions on a record id for these ids: one array on PostgreSQL,
    chunks that stay under SQLite's limit of query parameters elsewhere."""
    if uses_copy(using):
        yield "= ANY(%s)", [pks]
        return
    for chunk in chunked(pks):
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def insert_history(
    using: str, model: type[Model], pks: list[Any], history_type: str, reason: str
) -> None:
    """A history version of each of these records, as a save would leave one
    (bulk writes bypass it), with the snapshot of its to-many links.

    The versions are copied from the rows just written, inside the database:
    building them in Python and sending them back cost a third of a load.
    ``history_type`` is simple-history's ``+`` (created) or ``~`` (changed).
    """
    if not pks:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    meta = model._meta
    history_model = model.history.model  # type: ignore[attr-defined]
    history_meta = history_model._meta
    columns = [
        quote(column_of(model, field.name))
        for field in history_meta.concrete_fields
        if field.attname not in {"history_id", *_HISTORY_BOOKKEEPING}
    ]
    pk = quote(str(meta.pk.column))
    history_table = quote(history_meta.db_table)
    # Stored as the ORM stores it, so the links below find the versions by it.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for condition, params in _pk_chunks(using, pks):
            cursor.execute(
                f"INSERT INTO {history_table} ({', '.join(columns)}, "
                f"{', '.join(quote(column) for column in _HISTORY_BOOKKEEPING)}) "
                f"SELECT {', '.join(columns)}, %s, %s, %s, NULL "
                f"FROM {quote(meta.db_table)} WHERE {pk} {condition}",
                [now, reason, history_type, *params],
            )
            for field in _versioned_links(model, history_meta):
                _insert_link_history(cursor, history_model, field, pk, now, condition, params)


def _versioned_links(model: type[Model], history_meta: Any) -> list[Any]:
    """The to-many fields whose links simple-history versions: those with a links table."""
    found = []
    for field in model._meta.many_to_many:
        try:
            history_meta.get_field(f"{history_meta.model_name}_{field.name}")
        except FieldDoesNotExist:
            continue
        found.append(field)
    return found


def _insert_link_history(
    cursor: Any,
    history_model: Any,
    field: Any,
    pk: str,
    now: Any,
    condition: str,
    params: list[Any],
) -> None:
    """The links of the versions just written (those stamped ``now``), into the
    table simple-history keeps them in (one per to-many field)."""
    quote = cursor.db.ops.quote_name
    history_meta = history_model._meta
    links_model = history_meta.get_field(f"{history_meta.model_name}_{field.name}").related_model
    through = field.remote_field.through
    record_column = next(
        f.column for f in through._meta.fields if f.is_relation and f.related_model is field.model
    )
    columns = [quote(f.column) for f in through._meta.concrete_fields]
    history_column = quote(links_model._meta.get_field("history").column)
    version_column = quote(history_meta.pk.column)
    cursor.execute(
        f"INSERT INTO {quote(links_model._meta.db_table)} ({', '.join(columns)}, {history_column}) "
        f"SELECT {', '.join(f'link.{column}' for column in columns)}, version.{version_column} "
        f"FROM {quote(history_meta.db_table)} AS version "
        f"JOIN {quote(through._meta.db_table)} AS link "
        f"ON link.{quote(record_column)} = version.{pk} "
        f"WHERE version.history_date = %s AND version.{pk} {condition}",
        [now, *params],
    )
