"""Reading records from JSON Lines and CSV files, one row at a time.

Both readers yield the same thing: a ``Row`` with its line number, its record
type (when the row or the caller names one) and its values as a dict. A line
that cannot be read (malformed JSON, not an object) becomes a ``Row`` with an
``error`` instead of stopping the file, so the report can list every bad line.

Files are read as bytes and decoded line by line: that keeps the count of
bytes read exact for the progress bar (a text file cannot ``tell()`` while it
is being iterated).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from tracker.api.csv import from_spreadsheet_text

JSONL = "jsonl"
CSV = "csv"
FORMATS = (JSONL, CSV)
EXTENSIONS = {".jsonl": JSONL, ".ndjson": JSONL, ".json": JSONL, ".csv": CSV}

# Lists in a CSV cell are joined with this, as in the API's CSV exports.
CSV_SEPARATOR = "|"


class FileFormatError(Exception):
    """The file as a whole cannot be read (unknown format, no header, ...)."""


@dataclass
class Row:
    line: int
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    # Set when the line could not be read at all; ``data`` is then empty.
    error: str = ""
    # Values came from CSV cells: lists are ``|``-joined strings, empty is "".
    from_csv: bool = False


class ByteCounter:
    """Decodes a binary file line by line and counts the bytes consumed."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.consumed = 0

    def lines(self) -> Iterator[str]:
        first = True
        for raw in self.handle:
            self.consumed += len(raw)
            # Bytes that are not UTF-8 survive as lone surrogates, which the
            # value checks reject with the line number, instead of the whole
            # file failing here.
            text = raw.decode("utf-8", errors="surrogateescape")
            if first:
                text = text.removeprefix("\ufeff")  # a BOM that spreadsheets write
                first = False
            yield text


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    try:
        return EXTENSIONS[path.suffix.lower()]
    except KeyError:
        raise FileFormatError(
            f"Cannot tell the format of {path.name} from its extension: "
            "name it .jsonl or .csv, or pass --format."
        ) from None


def read_jsonl(lines: Iterable[str], default_type: str) -> Iterator[Row]:
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row(number, default_type, error=f"not valid JSON: {exc}")
            continue
        if not isinstance(data, dict):
            yield Row(number, default_type, error="a line holds one JSON object")
            continue
        yield Row(number, str(data.pop("type", "") or default_type), data)


def read_csv(lines: Iterable[str], default_type: str) -> Iterator[Row]:
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return
    if len(set(header)) != len(header):
        raise FileFormatError("The CSV header names a column twice.")
    if not default_type and "type" not in header:
        raise FileFormatError(
            "Say which records the CSV file holds: pass --type, or add a type column."
        )
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a cell above the csv module's size limit, say
            yield Row(start, default_type, error=f"not valid CSV: {exc}")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield Row(
                line,
                default_type,
                error=f"the row has {len(cells)} cells, the header {len(header)}",
            )
            continue
        # Text that the API's CSV protected from spreadsheets, as it was.
        data = dict(zip(header, map(from_spreadsheet_text, cells), strict=True))
        yield Row(line, data.pop("type", "").strip() or default_type, data, from_csv=True)


def read_rows(handle: BinaryIO, fmt: str, default_type: str) -> tuple[Iterator[Row], ByteCounter]:
    """The rows of a file, and a counter of the bytes read so far."""
    counter = ByteCounter(handle)
    reader = read_jsonl if fmt == JSONL else read_csv
    return reader(counter.lines(), default_type), counter
