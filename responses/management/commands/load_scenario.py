from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from responses.scenario import DEFAULT_SCENARIO, ScenarioError, load_scenario


class Command(BaseCommand):
    help = (
        "Load a scenario file (YAML) of actors, sources, conflicts, events, positions and "
        "measures. Records are matched on natural keys, so loading twice changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=DEFAULT_SCENARIO,
            help="Scenario file to load (default: the Kyiv drone-strike seed scenario).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_scenario(options["path"])
        except ScenarioError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {options['path'].name}: {report.summary()}"))
