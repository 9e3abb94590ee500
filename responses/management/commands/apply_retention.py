from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each applies its own setting (docs/operators.md, "Retention").
COMMANDS = ("purge_idempotency_keys", "purge_changes", "purge_history")


class Command(BaseCommand):
    help = (
        "Apply every retention rule: expired idempotency keys, the change feed's old "
        "entries, records' old versions. Run it daily (deploy/systemd/tracker-retention.timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in COMMANDS:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
