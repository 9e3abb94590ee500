from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from responses.api.query_plans import big_list_viewsets
from tracker.query_plans import check


class Command(BaseCommand):
    help = (
        "EXPLAIN the page and count query of every filter and ordering of the positions, "
        "events and measures lists (PostgreSQL); fail if one scans a whole table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verbose-plans", action="store_true", help="Print every plan.")
        parser.add_argument(
            "--summary",
            action="store_true",
            help="Print only the totals (small tables are rightly scanned whole).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Query plans are checked on PostgreSQL.")
        plans = check(big_list_viewsets())
        failed = [plan for plan in plans if plan.seq_scans]
        for plan in plans:
            if options["summary"]:
                break
            if options["verbose_plans"] or plan.seq_scans:
                verdict = "SEQ SCAN of " + ", ".join(plan.seq_scans) if plan.seq_scans else "ok"
                self.stdout.write(f"{plan.resource} {plan.parameters} {plan.query}: {verdict}")
                if options["verbose_plans"] or plan.seq_scans:
                    self.stdout.write("    " + plan.text.replace("\n", "\n    "))
        self.stdout.write(
            f"{len(plans)} plans, {len(failed)} with a sequential scan of a big table."
        )
        if failed:
            raise CommandError("Some filters or orderings are not backed by an index.")
