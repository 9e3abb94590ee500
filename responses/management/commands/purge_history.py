from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Exists, OuterRef
from django.utils import timezone
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

from tracker.retention import add_days_argument

BATCH = 10_000


class Command(BaseCommand):
    help = (
        "Delete records' versions older than HISTORY_RETENTION_DAYS (run it daily). "
        "Each record keeps its latest version, however old, and who made it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_days_argument(parser, "HISTORY_RETENTION_DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days <= 0:
            self.stdout.write("Records' history is kept for ever (retention 0): nothing to do.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        for model in apps.get_models():
            try:
                history: Any = get_history_model_for_model(model)
            except NotHistoricalModelError:
                continue
            key = model._meta.pk.attname
            later = history.objects.filter(
                **{key: OuterRef(key), "history_id__gt": OuterRef("history_id")}
            )
            old = history.objects.filter(history_date__lt=cutoff).filter(Exists(later))
            if dry_run:
                count = old.count()
            else:
                count = 0
                while batch := list(old.values_list("history_id", flat=True)[:BATCH]):
                    # The versions' lists of sources (many-to-many history) go with them.
                    _, by_model = history.objects.filter(history_id__in=batch).delete()
                    count += by_model.get(history._meta.label, 0)
            verb = "Would delete" if dry_run else "Deleted"
            label = model._meta.verbose_name
            self.stdout.write(f"{verb} {count} versions of {label} records older than {days} days.")
