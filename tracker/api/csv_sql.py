"""CSV lines made by PostgreSQL, for exports of a million rows.

Building a million rows in Python (a tuple of values each, then each value as
a cell, then the line) held the export to some 27,000 rows a second. Here
the query itself returns each row as its finished CSV line, with the rules of
``tracker.api.csv`` (empty for NULL, ISO dates and times, an apostrophe
before a formula, ``|`` between many values, RFC 4180 quoting, CRLF), so
Python only joins lines. A test compares the output with the Python path's,
byte for byte.

Only the column types below are written this way; a resource with another
(JSON, say) is exported by the Python path, as on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import F, Func, Model, QuerySet, TextField

from tracker.api.csv import FORMULA_TRIGGERS

if TYPE_CHECKING:
    from tracker.api.export import CsvColumn, CsvMany

_INTEGER = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "ForeignKey",
}
_TEXT = {"CharField", "TextField", "SlugField", "URLField", "EmailField"}


class Unsupported(Exception):
    """A column this module does not write; the export falls back to Python."""


# csv_cell's formula triggers by code point: ascii() reads the first
# character's code without making a string of it, as left() would.
_TRIGGERS = ", ".join(str(ord(trigger)) for trigger in FORMULA_TRIGGERS)


def _text(sql: str) -> str:
    """csv_cell of a text: an apostrophe before what a spreadsheet would run."""
    return f"CASE WHEN ascii({sql}) IN ({_TRIGGERS}) THEN '''' || {sql} ELSE {sql} END"


def _cell(sql: str, kind: str) -> str:
    """csv_cell of a value of this field type, as text (NULL stays NULL)."""
    if kind in _TEXT:
        return _quoted(sql, _text(sql))
    if kind in _INTEGER:
        return f"({sql})::text"
    if kind == "DateField":
        return f"to_char({sql}, 'YYYY-MM-DD')"
    if kind == "DateTimeField":
        # datetime.isoformat() of an aware UTC time: microseconds only when not 0.
        utc = f"({sql} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, CASE WHEN date_trunc('second', {sql}) = {sql} "
            "THEN 'YYYY-MM-DD\"T\"HH24:MI:SS' ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US' END)"
            " || '+00:00'"
        )
    raise Unsupported(kind)


def _quoted(text: str, cell: str) -> str:
    """csv.writer's minimal quoting of a text's cell: one with a comma, a quote
    or a line break is quoted, its quotes doubled.

    The text is tested rather than the cell, which holds the same characters
    (or an apostrophe more), so that the cell is worked out once a row.
    """
    return (
        f"CASE WHEN {text} ~ '[\",\\r\\n]' "
        f"THEN '\"' || replace({cell}, '\"', '\"\"') || '\"' ELSE {cell} END"
    )


class CsvLine(Func):
    """A row of a queryset as its CSV line, CRLF included."""

    output_field = TextField()

    def __init__(
        self, model: type[Model], columns: Sequence[CsvColumn], many: Sequence[CsvMany]
    ) -> None:
        self.model, self.many = model, many
        super().__init__(F("pk"), *(F(column.path) for column in columns))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        expressions = self.get_source_expressions()
        compiled = [compiler.compile(expression) for expression in expressions]
        if any(params for _, params in compiled):
            raise Unsupported("a column with parameters")
        pk, *values = (sql for sql, _ in compiled)
        kinds = [str(column.output_field.get_internal_type()) for column in expressions[1:]]
        cells = [
            f"COALESCE({_cell(sql, kind)}, '')" for sql, kind in zip(values, kinds, strict=True)
        ]
        quote = connection.ops.quote_name
        cells += [
            f"COALESCE({_many_sql(self.model, column, pk, quote)}, '')" for column in self.many
        ]
        return " || ',' || ".join(cells) + " || E'\\r\\n'", []


def _many_kind(model: type[Model], column: CsvMany) -> str:
    """The type of a many-valued column's values: ids or slugs, which never need
    quoting (other text might)."""
    if column.link:
        # kind:slug items (an event's related events) are written by the Python path.
        raise Unsupported("many links")
    if column.field == "pk":
        return "BigAutoField"
    m2m: Any = model._meta.get_field(column.relation)
    kind = str(m2m.related_model._meta.get_field(column.field).get_internal_type())
    if kind != "SlugField":
        raise Unsupported(f"many {kind}")
    return kind


def _many_sql(model: type[Model], column: CsvMany, pk: str, quote: Callable[[str], str]) -> str:
    """The many values of the row whose id is ``pk``, each a cell, joined with ``|``."""
    m2m: Any = model._meta.get_field(column.relation)
    through = m2m.remote_field.through._meta
    own = quote(through.get_field(m2m.m2m_field_name()).column)
    other = quote(through.get_field(m2m.m2m_reverse_field_name()).column)
    source = f"{quote(through.db_table)} AS link"
    if column.field == "pk":
        value = f"link.{other}"
    else:
        related = m2m.related_model._meta
        value = f"item.{quote(related.get_field(column.field).column)}"
        source += (
            f" JOIN {quote(related.db_table)} AS item"
            f" ON item.{quote(related.pk.column)} = link.{other}"
        )
    return (
        f"array_to_string(ARRAY(SELECT {_cell(value, _many_kind(model, column))} FROM {source} "
        f"WHERE link.{own} = {pk} ORDER BY {value}), '|')"
    )


def csv_lines_sql(
    queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> QuerySet:
    """The queryset's rows as CSV lines (PostgreSQL), in its order; ``Unsupported``
    when a column is of a type this module does not write."""
    line = CsvLine(queryset.model, columns, many)
    return queryset.annotate(csv_line=line).values_list("csv_line", flat=True)
