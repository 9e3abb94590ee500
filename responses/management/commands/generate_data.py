from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from synthetic.generate import Generator
from synthetic.load import NotEmpty, ensure_empty, flush, load
from synthetic.scales import SCALES
from tracker.freshness import data_changed


class Command(BaseCommand):
    help = (
        "Fill an empty database with synthetic actors, sources, events, positions and "
        "measures (with their status changes), for benchmarks and trials. The same seed "
        "gives the same data. Loads with COPY on PostgreSQL."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        for name in ("actors", "events", "positions", "measures", "sources"):
            parser.add_argument(
                f"--{name}", type=int, default=None, help=f"Number of {name} (overrides --scale)."
            )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Delete every tracker record first (users and tokens stay).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]].with_counts(
            **{
                name: options[name]
                for name in ("actors", "events", "positions", "measures", "sources")
            }
        )
        if min(scale.actors, scale.sources, scale.events) < 20:
            raise CommandError("Give at least 20 actors, sources and events.")
        using = options["database"]
        if options["flush"]:
            flush(using)
        try:
            ensure_empty(using)
        except NotEmpty as exc:
            raise CommandError(f"{exc}. Use --flush to replace them.") from exc
        self.stdout.write(f"Generating {scale} with seed {options['seed']}")
        started = time.perf_counter()
        report = load(Generator(scale, options["seed"]).tables(), using, log=self.stdout.write)
        data_changed(using)  # cached reads of the old data are stale now
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {sum(report.rows.values())} rows in {elapsed:.1f}s")
        )
