from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from idempotency.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete expired idempotency keys (run it daily; expired keys are ignored anyway)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=timezone.now()).delete()
        self.stdout.write(f"Deleted {deleted} expired idempotency keys.")
