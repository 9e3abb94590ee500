from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tracker.retention import add_days_argument
from webhooks.models import Delivery, DeliveryStatus


class Command(BaseCommand):
    help = (
        "Delete webhook deliveries delivered more than CHANGE_FEED_RETENTION_DAYS ago (run "
        "it daily). Pending ones are kept whatever their age: they have yet to arrive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_days_argument(parser, "CHANGE_FEED_RETENTION_DAYS")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if days <= 0:
            self.stdout.write("Webhook deliveries are kept for ever (retention 0): nothing to do.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        old = Delivery.objects.filter(status=DeliveryStatus.DELIVERED, delivered_at__lt=cutoff)
        deleted, _ = old.delete()
        self.stdout.write(f"Deleted {deleted} webhook deliveries delivered over {days} days ago.")
