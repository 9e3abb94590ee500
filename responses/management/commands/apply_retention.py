from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Each applies its own setting (docs/operators.md, "Retention"); the last
# deletes the webhook worker's finished tasks (django-tasks-db, 14 days).
COMMANDS = (
    "purge_idempotency_keys",
    "purge_changes",
    "purge_history",
    "purge_deliveries",
    "prune_db_task_results",
)


class Command(BaseCommand):
    help = (
        "Apply every retention rule: expired idempotency keys, the change feed's old "
        "entries, records' old versions, delivered webhooks and the worker's finished "
        "tasks. Run it daily (deploy/systemd/tracker-retention.timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in COMMANDS:
            call_command(name, stdout=self.stdout, stderr=self.stderr)
