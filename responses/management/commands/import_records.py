from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.db import DEFAULT_DB_ALIAS

from bulkload.loader import (
    BATCH,
    FILE,
    TYPE_NAMES,
    Importer,
    ImportOptions,
    NoProgress,
    Progress,
)
from bulkload.progress import TerminalProgress
from bulkload.readers import FORMATS
from bulkload.report import describe_file, describe_total

FORMAT_HELP = """\
file format:
  JSON Lines (.jsonl): one JSON object per line, its record type in a "type"
  field: actor, membership, source, conflict, event, position or measure.
  CSV (.csv): a header of field names, then one record per row; the type comes
  from --type or from a "type" column. Lists are joined with "|", as in the
  API's CSV (aliases, impacts, parties, participants, sources); related events
  are written relation:event-slug (follows:trump-putin-call).

  Fields are the API's (a source's address is "link"; "url" is still read).
  Actors, events and conflicts are named by slug. A source is named by its
  id, by the "key" of a source record read earlier in the same run, by its
  URL, or (JSON Lines) by {"title": ..., "publisher": ...} when it has no
  URL. A measure's announcing position is "position" (its id) or
  "announced_in": the stance of its actor's position about the measure's
  event, or an object {"stance", "event", "target", "stated_on"} that
  narrows it down.

  The API's CSV (?format=csv, export/) loads as it is, with --type: its
  columns (actor_slug, source_ids, ...) are read, its id names the record to
  update, and created_at, updated_at and the names beside slugs are ignored.

  Records are matched on natural keys; a matching record is updated, and a row
  that changes nothing leaves it untouched (updated_at too):
    actor, conflict, event  slug
    membership              member, organization, started_on
    source                  link; without one: title and publisher
    position                actor, event, target, stance, stated_on
    measure                 actor, target, kind, event, announced_on
  A field left out keeps its value; an empty one ("" or null) clears it. Each
  record appears once per file.

  Rows are validated with the API's rules. The exit status is 1 when a row was
  rejected; with --atomic=file (the default) nothing of that file is written.
"""


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Django's option order, and the format description as written."""


# A batch's keys go to PostgreSQL as bound parameters, at most 65,535 a
# statement; the widest statement takes two lists of a batch's keys.
MAX_BATCH_SIZE = 20_000


def batch_size(value: str) -> int:
    number = int(value)
    if not 1 <= number <= MAX_BATCH_SIZE:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_BATCH_SIZE:,}")
    return number


class Command(BaseCommand):
    help = (
        "Load actors, memberships, sources, conflicts, events, positions and measures from "
        "JSON Lines or CSV files, validated with the API's rules, matched on natural keys "
        "(loading a file twice changes nothing) and written in bulk."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = HelpFormatter
        parser.epilog = FORMAT_HELP
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", type=Path, metavar="FILE", help="Files to load, in order."
        )
        parser.add_argument(
            "--type",
            choices=sorted(TYPE_NAMES),
            metavar="TYPE",
            help="Record type of rows that do not name one (a CSV file without a type column).",
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="jsonl or csv (default: from the file extension)."
        )
        parser.add_argument(
            "--batch-size",
            type=batch_size,
            default=ImportOptions.batch_size,
            help=f"Rows validated and written together (default {ImportOptions.batch_size}).",
        )
        parser.add_argument(
            "--atomic",
            choices=(FILE, BATCH),
            default=FILE,
            help="One transaction per file (default: a rejected row writes nothing of the "
            "file) or per batch (a rejected row rolls back its batch only).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would be written, and write nothing.",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Draw a progress bar (default: when the output is a terminal).",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database to load into (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        importer_options = ImportOptions(
            batch_size=options["batch_size"],
            atomic=options["atomic"],
            dry_run=options["dry_run"],
            default_type=TYPE_NAMES[options["type"]] if options["type"] else "",
            format=options["format"],
            using=options["database"],
        )
        show_progress = options["progress"]
        if show_progress is None:
            show_progress = verbosity >= 1 and self.stdout.isatty()

        def progress(path: Path, total: int) -> Progress:
            if show_progress:
                return TerminalProgress(self.stdout, path.name, total)
            return NoProgress()

        importer = Importer(importer_options, progress)
        started = time.monotonic()
        reports = []
        for path in options["files"]:
            report = importer.import_file(path)
            reports.append(report)
            if verbosity >= 1 or not report.ok:
                for line in describe_file(
                    report,
                    atomic=importer_options.atomic,
                    dry_run=importer_options.dry_run,
                    all_rejections=verbosity >= 2,
                ):
                    self.stdout.write(line)
        if verbosity >= 1 and len(reports) > 1:
            self.stdout.write(describe_total(reports, time.monotonic() - started))
        rejected = sum(len(report.rejected) for report in reports)
        unreadable = [report.path.name for report in reports if report.failure]
        if rejected or unreadable:
            problems = [f"{rejected:,} rows rejected"] if rejected else []
            problems += [f"cannot read {name}" for name in unreadable]
            raise CommandError("; ".join(problems) + ".")
