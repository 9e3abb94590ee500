"""What an import did, file by file, and how the command prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bulkload.records import RECORD_TYPES
from bulkload.writer import Errors, Tally

# Without -v 2, the rejected rows listed per file (the count is always given).
SHOWN_REJECTIONS = 50


@dataclass
class Rejection:
    line: int
    type: str
    errors: Errors

    def __str__(self) -> str:
        reasons = "; ".join(
            message if name == "__all__" else f"{name}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        )
        return f"line {self.line}{f' ({self.type})' if self.type else ''}: {reasons}"


@dataclass
class FileReport:
    path: Path
    format: str = ""
    rows: int = 0
    seconds: float = 0.0
    written: Tally = field(default_factory=Tally)
    rejected: list[Rejection] = field(default_factory=list)
    # Valid rows that were not written, because their file or batch was rolled back.
    discarded: int = 0
    rolled_back: list[tuple[int, int]] = field(default_factory=list)  # line ranges
    failure: str = ""  # the file could not be read at all

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.failure


def _rows(count: int, what: str = "rows") -> str:
    return f"{count:,} {what.removesuffix('s') if count == 1 else what}"


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s" if seconds > 0 else "-"


def describe_tally(tally: Tally) -> list[str]:
    # In the order records are written: sources, actors, ..., measures.
    labels = [
        record.label
        for record in RECORD_TYPES.values()
        if record.label in tally.created | tally.updated | tally.unchanged
    ]
    return [
        f"{label}: {tally.created[label]:,} created, {tally.updated[label]:,} updated, "
        f"{tally.unchanged[label]:,} unchanged"
        for label in labels
    ]


def describe_file(
    report: FileReport, *, atomic: str, dry_run: bool, all_rejections: bool
) -> list[str]:
    name = report.path.name
    if report.failure:
        return [f"{name}: cannot be read: {report.failure}"]
    lines = [
        f"{name}: {_rows(report.rows)} in {report.seconds:.1f} s "
        f"({_rate(report.rows, report.seconds)})"
        + (" - dry run, nothing written" if dry_run else "")
    ]
    lines += [f"  {line}" for line in describe_tally(report.written)]
    if report.rejected:
        lines.append(f"  rejected: {_rows(len(report.rejected))}")
        # By line: rows with unknown references are refused as they are read,
        # rows that break a rule when their batch is validated.
        rejected = sorted(report.rejected, key=lambda rejection: rejection.line)
        shown = rejected if all_rejections else rejected[:SHOWN_REJECTIONS]
        lines += [f"    {rejection}" for rejection in shown]
        if len(shown) < len(report.rejected):
            lines.append(f"    ... and {len(report.rejected) - len(shown):,} more (-v 2 lists all)")
    if report.rolled_back and atomic == "file":
        lines.append(
            f"  rolled back: nothing of {name} was written "
            f"({_rows(report.discarded, 'valid rows')} discarded; --atomic=file keeps a file whole)"
        )
    elif report.rolled_back:
        ranges = ", ".join(f"{first}-{last}" for first, last in report.rolled_back)
        lines.append(
            f"  rolled back: the batches of lines {ranges} "
            f"({_rows(report.discarded, 'valid rows')} discarded); the other batches were written"
        )
    return lines


def describe_total(reports: list[FileReport], seconds: float) -> str:
    total = Tally()
    for report in reports:
        total.add(report.written)
    rows = sum(report.rows for report in reports)
    rejected = sum(len(report.rejected) for report in reports)
    return (
        f"Total: {sum(total.created.values()):,} created, {sum(total.updated.values()):,} "
        f"updated, {sum(total.unchanged.values()):,} unchanged, {rejected:,} rejected; "
        f"{rows:,} rows in {seconds:.1f} s ({_rate(rows, seconds)})"
    )
