"""Loading files of records: transactions, batches, and the report.

A file is read row by row; each row is resolved in memory into a pending
record, and the pending records are validated and written ``batch_size`` at
a time. With ``atomic="file"`` (the default) the whole file is one
transaction, and a single rejected row rolls all of it back; with
``atomic="batch"`` each batch of ``batch_size`` rows is its own transaction,
and a rejected row rolls back its batch only. Either way every row is still
read and checked, so the report lists every problem at once.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

from bulkload.background import Background
from bulkload.fields import NeedsFlush, RowValues
from bulkload.index import Index
from bulkload.readers import FileFormatError, Row, detect_format, read_rows
from bulkload.records import RECORD_TYPES, Pending
from bulkload.report import FileReport, Rejection
from bulkload.writer import Errors, Tally, Writer

FILE = "file"
BATCH = "batch"

# "positions" as well as "position", for --type.
TYPE_NAMES = {
    **{name: name for name in RECORD_TYPES},
    **{record.label: name for name, record in RECORD_TYPES.items()},
}


@dataclass
class ImportOptions:
    # Larger batches cost fewer statements and thread hand-overs: 5,000 rows
    # loaded a tenth faster than 1,000 on PostgreSQL, for a few MB of memory.
    batch_size: int = 5000
    atomic: str = FILE
    dry_run: bool = False
    default_type: str = ""
    format: str | None = None
    using: str = DEFAULT_DB_ALIAS


class Progress(Protocol):
    """What the loader tells a progress display: bytes read of the total, rows."""

    def update(self, done: int, rows: int) -> None: ...

    def close(self) -> None: ...


class NoProgress:
    def update(self, done: int, rows: int) -> None:
        pass

    def close(self) -> None:
        pass


class _RolledBack(Exception):
    pass


class _Unit:
    """One transaction's worth of rows: its tally and rejections until it commits."""

    def __init__(self) -> None:
        self.tally = Tally()
        self.rejected: list[Rejection] = []
        self.first_line = 0
        self.last_line = 0


class Importer:
    def __init__(
        self,
        options: ImportOptions,
        progress: Callable[[Path, int], Progress] = lambda path, total: NoProgress(),
    ) -> None:
        self.options = options
        self.progress = progress
        self.background = Background(options.using)
        self.index = Index(options.using, before_query=self.background.wait)

    def import_file(self, path: Path) -> FileReport:
        report = FileReport(path)
        started = time.monotonic()
        try:
            report.format = detect_format(path, self.options.format)
            with path.open("rb") as handle:
                rows, counter = read_rows(handle, report.format, self.options.default_type)
                progress = self.progress(path, path.stat().st_size)
                try:
                    self._import_rows(
                        rows, report, lambda: progress.update(counter.consumed, report.rows)
                    )
                finally:
                    progress.close()
        except (OSError, FileFormatError) as exc:
            report.failure = str(exc)
        report.seconds = time.monotonic() - started
        # The next file starts from what the database holds now.
        self.index.reload()
        return report

    def _import_rows(
        self, rows: Iterator[Row], report: FileReport, tick: Callable[[], None]
    ) -> None:
        if self.options.dry_run:
            # The same work in a transaction that is always rolled back, so the
            # report says exactly what a real run would do.
            try:
                with transaction.atomic(using=self.options.using):
                    self._run_units(rows, report, tick)
                    raise _RolledBack
            except _RolledBack:
                pass
        else:
            self._run_units(rows, report, tick)

    def _run_units(self, rows: Iterator[Row], report: FileReport, tick: Callable[[], None]) -> None:
        seen: dict[tuple[str, Hashable], int] = {}
        if self.options.atomic == BATCH:
            while chunk := list(itertools.islice(rows, self.options.batch_size)):
                self._run_unit(iter(chunk), report, seen, tick)
        else:
            self._run_unit(rows, report, seen, tick)

    def _run_unit(
        self,
        rows: Iterator[Row],
        report: FileReport,
        seen: dict[tuple[str, Hashable], int],
        tick: Callable[[], None],
    ) -> None:
        unit = _Unit()
        try:
            with transaction.atomic(using=self.options.using):
                try:
                    self._load(rows, unit, report, seen, tick)
                    self.background.wait()  # the unit's last writes, before it commits
                finally:
                    self.background.join()  # and never a write in flight at a rollback
                if unit.rejected:
                    raise _RolledBack
        except _RolledBack:
            self._discard(unit, report)
        except DatabaseError as exc:
            # A rule the checks above missed, or a concurrent writer: the
            # database refused the batch, and nothing of it is kept.
            message = f"The database refused lines {unit.first_line}-{unit.last_line}: {exc}"
            unit.rejected.append(Rejection(unit.last_line, "", {"__all__": [message.strip()]}))
            self._discard(unit, report)
        else:
            report.written.add(unit.tally)
        report.rejected.extend(unit.rejected)

    def _discard(self, unit: _Unit, report: FileReport) -> None:
        report.discarded += unit.tally.rows()
        report.rolled_back.append((unit.first_line, unit.last_line))
        self.index.reload()

    def _load(
        self,
        rows: Iterator[Row],
        unit: _Unit,
        report: FileReport,
        seen: dict[tuple[str, Hashable], int],
        tick: Callable[[], None],
    ) -> None:
        batch: list[Pending] = []
        waiting: dict[tuple[str, Hashable], Pending] = {}

        def reject(pending: Pending, errors: Errors) -> None:
            errors = pending.record.api_errors(errors)
            unit.rejected.append(Rejection(pending.line, pending.record.name, errors))

        writer = Writer(self.index, self.options.using, unit.tally, reject, self.background)

        def flush() -> None:
            writer.write(batch)
            batch.clear()
            waiting.clear()
            tick()

        for row in rows:
            report.rows += 1
            unit.first_line = unit.first_line or row.line
            unit.last_line = row.line
            try:
                pending = self._read(row, waiting, unit, seen)
            except NeedsFlush:
                flush()
                pending = self._read(row, waiting, unit, seen)
            if pending is None:
                continue
            batch.append(pending)
            for key in pending.record.waiting_keys(pending):
                waiting[key] = pending
            if len(batch) >= self.options.batch_size:
                flush()
        flush()

    def _read(
        self,
        row: Row,
        waiting: dict[tuple[str, Hashable], Any],
        unit: _Unit,
        seen: dict[tuple[str, Hashable], int],
    ) -> Pending | None:
        def refuse(errors: Errors, type_name: str = row.type) -> None:
            unit.rejected.append(Rejection(row.line, type_name, errors))

        if row.error:
            refuse({"__all__": [row.error]})
            return None
        name = TYPE_NAMES.get(row.type)
        if name is None:
            refuse(
                {
                    "type": [
                        f"Unknown record type {row.type!r}; choose from {', '.join(RECORD_TYPES)}."
                        if row.type
                        else "Say which record type this is (a type field, or --type)."
                    ]
                },
                "",
            )
            return None
        record = RECORD_TYPES[name]
        values = RowValues(row, self.index, waiting)
        values.accept_flat(record.declaration)
        pending = record.read(values, row.line)
        if pending is not None and values.match_id is not None:
            # The row names its record by id (as the API's CSV does): that
            # record is updated, whatever its natural key was.
            if values.match_id in self.index.ids_of(record.model):
                pending.existing_id = values.match_id
            else:
                values.error("id", f"There is no {name} with id {values.match_id}.")
        if pending is None or values.errors:
            refuse(record.api_errors(values.errors), name)
            return None
        key = ("id", values.match_id) if values.match_id is not None else pending.key
        first = seen.setdefault((name, key), row.line)
        if first != row.line:
            refuse(
                {"__all__": [f"Line {first} has the same {name} (natural key); give each once."]},
                name,
            )
            return None
        return pending
