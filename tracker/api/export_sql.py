"""Export lines made by the database (PostgreSQL or SQLite), for exports of a million rows.

Building a million rows in Python (a tuple of values each, then each value as
a cell, then the line) is the slowest part of an export (BENCHMARKS.md, "Full
exports"). Here the query itself returns each row as text that is all but
the finished line, and Python only joins lines:

- ``SeparatedCells`` (SQLite), the CSV's cells by the rules of
  ``tracker.api.csv`` (empty for NULL, ISO dates and times, an apostrophe
  before a formula, ``|`` between many values), unquoted, between U+001F
  unit separators. Python quotes the few rows that need it
  (``tracker.api.export_readers``): found with C's string search, as SQL
  could only find them by a scan per cell that cost SQLite a third of its
  time. Tests compare the lines with the Python path's, byte for byte;
- ``JsonLine`` (SQLite), an object keyed by the CSV's headers holding the
  values as ``tracker.api.jsonl`` writes them (numbers, text, ISO dates and
  times, lists for many values);
- on PostgreSQL, the values one by one, for COPY (``tracker.api.export_readers``):
  ``CsvCell`` and ``CsvManyCell``, the CSV's cells, which COPY's CSV format
  quotes; ``JsonValue``, the JSON's values, which ``JsonObjects`` makes
  objects of once the rows are sorted.

Only the column types below are written this way; a resource with another
(JSON, say) is exported by the Python path.
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

# csv_cell's formula triggers, by code point.
_TRIGGERS = ", ".join(str(ord(trigger)) for trigger in FORMULA_TRIGGERS)


class Unsupported(Exception):
    """A column this module does not write; the export falls back to Python."""


class PostgreSQL:
    """How PostgreSQL writes the pieces of a line."""

    def first_code(self, sql: str) -> str:
        # The first character's code, without making a string of it as left() would.
        return f"ascii({sql})"

    def integer(self, sql: str) -> str:
        return f"({sql})::text"

    def date(self, sql: str) -> str:
        return f"to_char({sql}, 'YYYY-MM-DD')"

    def datetime(self, sql: str) -> str:
        # datetime.isoformat() of an aware UTC time: microseconds only when not 0.
        utc = f"({sql} AT TIME ZONE 'UTC')"
        return (
            f"to_char({utc}, CASE WHEN date_trunc('second', {sql}) = {sql} "
            """THEN 'YYYY-MM-DD"T"HH24:MI:SS' ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US' END)"""
            " || '+00:00'"
        )

    def joined(self, cell: str, source: str, where: str, order: str) -> str:
        """The ``cell`` of each row of ``source`` that ``where`` selects, in
        ``order``, joined with ``|`` (NULL when there is none)."""
        select = f"SELECT {cell} FROM {source} WHERE {where} ORDER BY {order}"
        return f"array_to_string(ARRAY({select}), '|')"

    def json_list(self, value: str, source: str, where: str, order: str) -> str:
        """Those values as a JSON list ([] when there is none)."""
        return f"ARRAY(SELECT {value} FROM {source} WHERE {where} ORDER BY {order})"


class SQLite(PostgreSQL):
    """How SQLite writes them. Django stores a date as ``YYYY-MM-DD`` text and
    a time as UTC ``YYYY-MM-DD HH:MM:SS[.ffffff]`` text (``str()`` of the naive
    time: microseconds only when not 0), so both are all but written already."""

    newline = "char(10)"

    def first_code(self, sql: str) -> str:
        return f"unicode({sql})"

    def integer(self, sql: str) -> str:
        return f"CAST({sql} AS TEXT)"

    def date(self, sql: str) -> str:
        return sql

    def datetime(self, sql: str) -> str:
        return f"replace({sql}, ' ', 'T') || '+00:00'"

    def joined(self, cell: str, source: str, where: str, order: str) -> str:
        # group_concat() takes the rows in the order its subquery gives them
        # (SQLite 3.44 can say so in the call; Python may bring an older
        # SQLite). The tests compare these lines with Python's, byte for byte.
        select = f"SELECT {cell} AS cell FROM {source} WHERE {where} ORDER BY {order}"
        return f"(SELECT group_concat(cell, '|') FROM ({select}))"

    def json_list(self, value: str, source: str, where: str, order: str) -> str:
        # json() makes json_object() take the list as JSON, not as a text.
        select = f"SELECT {value} AS item FROM {source} WHERE {where} ORDER BY {order}"
        return f"json((SELECT json_group_array(item) FROM ({select})))"

    def json_object(self, pairs: list[str]) -> str:
        return f"json_object({', '.join(pairs)})"


POSTGRESQL, SQLITE = PostgreSQL(), SQLite()


def _text(sql: str, dialect: PostgreSQL) -> str:
    """csv_cell of a text: an apostrophe before what a spreadsheet would run."""
    first = dialect.first_code(sql)
    return f"CASE WHEN {first} IN ({_TRIGGERS}) THEN '''' || {sql} ELSE {sql} END"


def _cell(sql: str, kind: str, dialect: PostgreSQL) -> str:
    """csv_cell of a value of this field type, as text (NULL stays NULL), unquoted."""
    if kind in _TEXT:
        return _text(sql, dialect)
    if kind in _INTEGER:
        return dialect.integer(sql)
    if kind == "DateField":
        return dialect.date(sql)
    if kind == "DateTimeField":
        return dialect.datetime(sql)
    raise Unsupported(kind)


class _Line(Func):
    """A row of a queryset as one line of an export."""

    output_field = TextField()

    def __init__(
        self, model: type[Model], columns: Sequence[CsvColumn], many: Sequence[CsvMany]
    ) -> None:
        self.model, self.columns, self.many = model, columns, many
        super().__init__(F("pk"), *(F(column.path) for column in columns))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        # PostgreSQL's exports come through COPY, from the values one by one.
        if connection.vendor != "sqlite":
            raise Unsupported(connection.vendor)
        dialect = SQLITE
        expressions = self.get_source_expressions()
        compiled = [compiler.compile(expression) for expression in expressions]
        if any(params for _, params in compiled):
            raise Unsupported("a column with parameters")
        pk, *values = (sql for sql, _ in compiled)
        kinds = [str(column.output_field.get_internal_type()) for column in expressions[1:]]
        many = [_Many(self.model, column, pk, connection.ops.quote_name) for column in self.many]
        return self.line(dialect, list(zip(values, kinds, strict=True)), many), []

    def line(self, dialect: SQLite, values: list[tuple[str, str]], many: list[_Many]) -> str:
        raise NotImplementedError


# Between the cells of SeparatedCells: a control character that text hardly
# ever holds. A row whose text does hold one is written by Python instead.
SEPARATOR = "\x1f"


class SeparatedCells(_Line):
    """The row's CSV cells, unquoted, between SEPARATORs, without a line end (SQLite)."""

    def line(self, dialect: SQLite, values: list[tuple[str, str]], many: list[_Many]) -> str:
        cells = [_cell(sql, kind, dialect) for sql, kind in values]
        cells += [column.joined(dialect) for column in many]
        # One printf() makes the line in one piece (|| makes a string per
        # piece); it writes NULL as nothing, as csv.writer does.
        template = _literal(SEPARATOR.join(["%s"] * len(cells)))
        return f"printf({template}, {', '.join(cells)})"


class JsonLine(_Line):
    """The row as a JSON object keyed by the CSV's headers, and a line feed (SQLite)."""

    def line(self, dialect: SQLite, values: list[tuple[str, str]], many: list[_Many]) -> str:
        headers = [column.header for column in self.columns]
        headers += [column.header for column in self.many]
        items = [_json_value(sql, kind, dialect) for sql, kind in values]
        items += [column.json_list(dialect) for column in many]
        pairs = [f"{_literal(header)}, {item}" for header, item in zip(headers, items, strict=True)]
        return f"{dialect.json_object(pairs)} || {dialect.newline}"


class _Value(Func):
    """A column's value as an export writes it, for COPY (PostgreSQL)."""

    output_field = TextField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        if connection.vendor != "postgresql":
            raise Unsupported(connection.vendor)
        (value,) = self.get_source_expressions()
        sql, params = compiler.compile(value)
        if params:
            raise Unsupported("a column with parameters")
        return self.written(sql, str(value.output_field.get_internal_type())), []

    def written(self, sql: str, kind: str) -> str:
        raise NotImplementedError


class CsvCell(_Value):
    """A value as COPY's CSV format takes it: csv_cell's text, quoted by COPY.
    An empty text is NULL here: COPY quotes an empty text to tell it from
    NULL, and csv.writer writes both as nothing."""

    def written(self, sql: str, kind: str) -> str:
        cell = _cell(sql, kind, POSTGRESQL)
        return f"NULLIF({cell}, '')" if kind in _TEXT else cell


class JsonValue(_Value):
    """A value as the JSON of an export holds it: times as text, in the form
    jsonl writes them; the rest as it is, which JSON types."""

    def written(self, sql: str, kind: str) -> str:
        return _json_value(sql, kind, POSTGRESQL)


class CsvManyCell(Func):
    """A many-valued column as COPY's CSV format takes it (see CsvCell)."""

    output_field = TextField()

    def __init__(self, model: type[Model], column: CsvMany) -> None:
        self.model, self.column = model, column
        super().__init__(F("pk"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        if connection.vendor != "postgresql":
            raise Unsupported(connection.vendor)
        pk, _ = compiler.compile(self.get_source_expressions()[0])
        many = _Many(self.model, self.column, pk, connection.ops.quote_name)
        return f"NULLIF({many.joined(POSTGRESQL)}, '')", []


def _literal(text: str) -> str:
    """``text`` as an SQL string literal; its % doubled, since Django reads a
    single % as the start of a parameter's placeholder."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def _json_value(sql: str, kind: str, dialect: PostgreSQL) -> str:
    """A value as JSON takes it: times as text, in the form jsonl writes them."""
    if kind in _TEXT or kind in _INTEGER or kind == "DateField":
        return sql
    if kind == "DateTimeField":
        return dialect.datetime(sql)
    raise Unsupported(kind)


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


class _Many:
    """A many-valued column of the row whose key is ``pk``: its values, read
    from the link table (and the related table, for slugs)."""

    def __init__(
        self, model: type[Model], column: CsvMany, pk: str, quote: Callable[[str], str]
    ) -> None:
        self.kind = _many_kind(model, column)
        m2m: Any = model._meta.get_field(column.relation)
        through = m2m.remote_field.through._meta
        own = quote(through.get_field(m2m.m2m_field_name()).column)
        other = quote(through.get_field(m2m.m2m_reverse_field_name()).column)
        self.source = f"{quote(through.db_table)} AS link"
        self.where = f"link.{own} = {pk}"
        if column.field == "pk":
            self.value = f"link.{other}"
        else:
            related = m2m.related_model._meta
            self.value = f"item.{quote(related.get_field(column.field).column)}"
            self.source += (
                f" JOIN {quote(related.db_table)} AS item"
                f" ON item.{quote(related.pk.column)} = link.{other}"
            )

    def joined(self, dialect: PostgreSQL) -> str:
        """The values, each a cell, joined with ``|``."""
        cell = _cell(self.value, self.kind, dialect)
        return dialect.joined(cell, self.source, self.where, self.value)

    def json_list(self, dialect: PostgreSQL) -> str:
        return dialect.json_list(self.value, self.source, self.where, self.value)


def json_lines_sql(
    queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> QuerySet:
    """The queryset's rows as ``JsonLine``s, in its order; ``Unsupported`` (when
    compiled) for a database or a column type this module does not write."""
    return queryset.values_list(JsonLine(queryset.model, columns, many))


def separated_cells_sql(
    queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> QuerySet:
    """The key and the ``SeparatedCells`` of each of the queryset's rows, in its
    order; ``Unsupported`` as for ``json_lines_sql``."""
    return queryset.values_list("pk", SeparatedCells(queryset.model, columns, many))


def csv_cells_sql(
    queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> QuerySet:
    """The queryset's rows as the cells of COPY's CSV (CsvCell), in its order."""
    return queryset.values_list(
        *(CsvCell(F(column.path)) for column in columns),
        *(CsvManyCell(queryset.model, column) for column in many),
    )


def json_values_sql(queryset: QuerySet, columns: Sequence[CsvColumn]) -> QuerySet:
    """The key and the flat values (JsonValue) of the queryset's rows, in its order."""
    return queryset.values_list("pk", *(JsonValue(F(column.path)) for column in columns))


class JsonObjects:
    """The rows of ``json_values_sql`` as JSON objects keyed by the CSV's headers,
    made by ``row_to_json()`` (PostgreSQL), in their order.

    The objects are made in a query around the sorted rows: made before the
    sort, they would be sorted too, hundreds of megabytes on disk before the
    first row. The many-valued columns are looked up there too: a lookup per
    row in the sorted query is work PostgreSQL leaves to one process, which
    then takes on every other value of the row as well, where the rest of
    the sorted query is shared among parallel workers. A subquery with an
    ORDER BY is planned on its own (PostgreSQL does not merge it into the
    query around it), so its rows come out in its order.
    """

    def __init__(
        self,
        model: type[Model],
        columns: Sequence[CsvColumn],
        many: Sequence[CsvMany],
        quote: Callable[[str], str],
    ) -> None:
        self.names = [quote(column.header) for column in columns]
        lists = [
            _Many(model, column, "sorted.export_key", quote).json_list(POSTGRESQL)
            + f" AS {quote(column.header)}"
            for column in many
        ]
        self.selected = ", ".join([*(f"sorted.{name}" for name in self.names), *lists])

    def around(self, values: str) -> str:
        """The query of the objects of ``values``, ``json_values_sql`` compiled."""
        return (
            f"SELECT row_to_json(exported) FROM (SELECT {self.selected} "
            f"FROM ({values}) AS sorted(export_key, {', '.join(self.names)})) AS exported"
        )
