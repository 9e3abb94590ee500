"""CSV output: RFC 4180 quoting, UTF-8, and cells that spreadsheets will not run.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) is a formula to Excel and LibreOffice; it gets a leading apostrophe so
it is shown as text (OWASP's advice against CSV injection).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def spreadsheet_text(text: str) -> str:
    """Text as a spreadsheet shows it and never runs it; a number stays a number."""
    if not text.startswith(FORMULA_TRIGGERS):
        return text
    try:
        decimal.Decimal(text)
    except decimal.InvalidOperation:
        return "'" + text
    return text


def from_spreadsheet_text(text: str) -> str:
    """The text that ``spreadsheet_text`` or ``csv_cell`` protected, as it was."""
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def csv_cell(value: Any) -> str:
    """One value as a CSV cell: empty for None, ISO dates, safe text."""
    kind = type(value)
    if kind is str:  # the common case first: most cells are text
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | decimal.Decimal):
        # Numbers are data, not formulas, even when negative.
        return str(value)
    if isinstance(value, list | tuple):
        value = "|".join(csv_cell(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_row(row: Sequence[Any]) -> list[Any]:
    """csv_cell of each value, with the common cases inline: a million rows add up.

    csv.writer writes None as an empty cell and an int as its digits, which is
    what csv_cell gives for them.
    """
    return [
        value
        if (kind := type(value)) is int
        or value is None
        or (kind is str and not value.startswith(FORMULA_TRIGGERS))
        else csv_cell(value)
        for value in row
    ]


class _Line:
    """A file-like sink for csv.writer that hands back each line it is given."""

    def write(self, line: str) -> str:
        return line


def line_writer() -> Any:
    """A csv.writer whose writerow() returns the line, CRLF-terminated (RFC 4180).

    With CRLF as its line end, csv.writer quotes a cell holding either: Python
    3.11 looks for them there.
    """
    return csv.writer(_Line(), lineterminator="\r\n")


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Each row as a CSV line."""
    writer = line_writer()
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], rows_per_chunk: int = 1000
) -> Iterator[str]:
    """The same lines as csv_lines, a thousand rows at a time.

    A streaming response writes each piece it is given to the socket: one
    write per row would cost more than making the row.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow(csv_row(row))
        pending += 1
        if pending == rows_per_chunk:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The header, as it is, and each row as CSV."""
    return line_writer().writerow(header) + "".join(csv_lines(rows))
