"""Readers of export lines made by the database, straight from its driver.

Each returns a function that runs inside the export's transaction, so in the
snapshot the count saw (``tracker.api.snapshot``), and yields the body's
bytes a chunk at a time; no Python object is made per value, and none of
Django's per-row machinery runs.

PostgreSQL's ``COPY (query) TO STDOUT`` writes CSV itself, quoting in C what
the SQL of ``tracker.api.export_sql`` would otherwise quote cell by cell
(the most expensive part of a line), and hands over each row as bytes. Two
things differ from what the export sends, and are put right a chunk at a
time:

- COPY ends a row with ``\\n``; CSV's lines end with CRLF (RFC 4180, and
  ``csv.writer``'s lines);
- the JSON objects come in COPY's binary format (described in
  PostgreSQL's manual, under COPY), in which each row is a field count,
  the field's length and the object's bytes as they are: the text format
  would double every backslash, one more pass over every byte on each side.

The JSON objects are made by PostgreSQL, after the sort
(``export_sql.JsonObjects``).

SQLite has no COPY: its query writes the lines (``export_sql``), read here
with the driver's ``fetchmany()``. For CSV, the cells come unquoted between
unit separators; a chunk becomes CSV by turning the separators into commas,
once the rows that hold a comma, a quote or a line break (a few in a hundred,
found with str's search, in C) have been quoted by ``csv.writer``. A row
whose text holds a separator itself, which would be cut in the wrong places,
is written by ``written_by_python`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connections, transaction
from django.db.models import QuerySet

from tracker.api.csv import line_writer
from tracker.api.export_sql import SEPARATOR, JsonObjects, csv_cells_sql, json_values_sql

if TYPE_CHECKING:
    from tracker.api.export import CsvColumn, CsvMany

# Rows per chunk of the body: one socket write each, under a megabyte.
ROWS_PER_CHUNK = 2000

Reader = Callable[[], Generator[bytes, None, None]]


def copied_csv(queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]) -> Reader:
    """A reader of the queryset's rows as CSV lines, CRLF-terminated."""
    return _copied(csv_cells_sql(queryset, columns, many), "(FORMAT csv)", _crlf)


def copied_jsonl(
    queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> Reader:
    """A reader of the queryset's rows as JSON Lines, keyed by the CSV's headers."""
    quote = connections[queryset.db].ops.quote_name
    objects = JsonObjects(queryset.model, columns, many, quote)
    values = json_values_sql(queryset, columns)
    return _copied(values, "(FORMAT binary)", _json_lines, objects.around)


def fetched(lines: QuerySet) -> Reader:
    """A reader of a queryset of finished lines (``export_sql.json_lines_sql``)."""
    return _fetched(lines, lambda rows: "".join([line for (line,) in rows]).encode())


def separated(
    lines: QuerySet, width: int, written_by_python: Callable[[list[Any]], dict[Any, str]]
) -> Reader:
    """A reader of ``export_sql.separated_cells_sql``, rows of ``width`` cells, as CSV
    lines; ``written_by_python`` gives the CSV line of each of the keys it is
    given."""
    separators = width - 1

    def finish(rows: list[tuple[Any, str]]) -> bytes:
        lines = [line for _, line in rows]
        # Inline rather than a function call a row: a million rows add up.
        odd = [
            number
            for number, line in enumerate(lines)
            if "," in line
            or '"' in line
            or "\n" in line
            or "\r" in line
            or line.count(SEPARATOR) != separators
        ]
        by_python = []
        writer = line_writer()
        for number in odd:
            cells = lines[number].split(SEPARATOR)
            if len(cells) == width:
                lines[number] = writer.writerow(cells).removesuffix("\r\n")
            else:
                by_python.append(number)
        if not by_python:
            # No cell holds a separator: each one left is between two cells.
            return ("\r\n".join(lines).replace(SEPARATOR, ",") + "\r\n").encode()
        written = written_by_python([rows[number][0] for number in by_python])
        for number in by_python:
            lines[number] = written[rows[number][0]].removesuffix("\r\n")
        done = set(odd)
        return "".join(
            (line if number in done else line.replace(SEPARATOR, ",")) + "\r\n"
            for number, line in enumerate(lines)
        ).encode()

    return _fetched(lines, finish)


def _fetched(lines: QuerySet, finish: Callable[[list[Any]], bytes]) -> Reader:
    sql, params = lines.query.get_compiler(lines.db).as_sql()

    def read() -> Generator[bytes, None, None]:
        with connections[lines.db].cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(ROWS_PER_CHUNK):
                yield finish(rows)

    return read


def _crlf(rows: list[memoryview]) -> bytes:
    data = b"".join(rows)
    if data.count(b"\n") == len(rows):
        # Only the rows' ends: no quoted cell holds a line feed.
        return data.replace(b"\n", b"\r\n")
    return b"".join(bytes(row[:-1]) + b"\r\n" for row in rows)


# The binary format's header: its signature, then flags (4 bytes) and the
# length of an extension (4 bytes, 0) that PostgreSQL does not write.
BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
BINARY_HEADER = len(BINARY_SIGNATURE) + 8


def _json_lines(rows: list[memoryview]) -> bytes:
    """JSON Lines from COPY's binary rows of one field: each a field count (2
    bytes), its length (4) and the object. The first row comes after the
    header, and a count of -1 (2 bytes) ends the data."""
    if rows[0][: len(BINARY_SIGNATURE)] == BINARY_SIGNATURE:
        rows[0] = rows[0][BINARY_HEADER:]
    objects = [row[6:] for row in rows if len(row) > 2]
    return b"\n".join(objects) + b"\n" if objects else b""


def _copied(
    values: QuerySet,
    options: str,
    finish: Callable[[list[memoryview]], bytes],
    around: Callable[[str], str] = str,
) -> Reader:
    """COPY of ``values``, or of the query ``around`` makes around it."""
    # Compiled now, for the database it will run on, so that Unsupported is raised here.
    sql, params = values.query.get_compiler(values.db).as_sql()

    def read() -> Generator[bytes, None, None]:
        connection = connections[values.db]
        # COPY takes no parameters: they are written into the statement
        # (compose_sql is PostgreSQL's, so unknown to the generic stubs).
        query = around(connection.ops.compose_sql(sql, params))  # type: ignore[attr-defined]
        statement = f"COPY ({query}) TO STDOUT {options}"
        # A savepoint: a COPY left half-read is cancelled, which would leave a
        # surrounding transaction unusable; rolled back to it, it is not.
        with (
            transaction.atomic(using=values.db),
            connection.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            rows: list[memoryview] = []
            for row in copy:
                rows.append(row)
                if len(rows) == ROWS_PER_CHUNK:
                    yield finish(rows)
                    rows.clear()
            # Only COPY's end, in the binary format, can leave nothing to send.
            if rows and (data := finish(rows)):
                yield data

    return read
