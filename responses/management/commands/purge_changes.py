from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from responses.models import Change, FeedPurge
from tracker.retention import add_days_argument

BATCH = 10_000


class Command(BaseCommand):
    help = (
        "Delete the change feed's entries older than CHANGE_FEED_RETENTION_DAYS (run it "
        "daily). A client whose cursor is older is then told to copy the records again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_days_argument(parser, "CHANGE_FEED_RETENTION_DAYS")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days <= 0:
            self.stdout.write("The change feed is kept for ever (retention 0): nothing to do.")
            return
        cutoff = timezone.now() - timedelta(days=days)
        # Cursors grow with time: everything below the first entry young enough goes.
        first_kept = Change.objects.filter(changed_at__gte=cutoff).order_by("id").first()
        older = (
            Change.objects.all()
            if first_kept is None
            else Change.objects.filter(id__lt=first_kept.id)
        )
        through = older.order_by("-id").values_list("id", flat=True).first()
        if through is None:
            self.stdout.write(f"No change feed entries older than {days} days.")
            return
        old = Change.objects.filter(id__lte=through)
        if dry_run:
            self.stdout.write(
                f"Would delete {old.count()} change feed entries through cursor {through}."
            )
            return
        # Recorded first: from now on a client behind it is told, even while
        # (or if) the deletion below is still under way.
        purge = FeedPurge.objects.create(purged_through=through, deleted=0)
        while batch := list(old.order_by("id").values_list("id", flat=True)[:BATCH]):
            # Short statements: the feed stays readable and writable meanwhile.
            purge.deleted += Change.objects.filter(id__in=batch).delete()[0]
        purge.save(update_fields=["deleted"])
        self.stdout.write(
            f"Deleted {purge.deleted} change feed entries older than {days} days "
            f"(through cursor {through})."
        )
