from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from responses.signals import SEARCHABLE
from tracker.search import refresh_search_vectors


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search vectors of every record (PostgreSQL). Saves keep "
        "them current; run this after a bulk load that bypassed saves."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to do: full-text vectors are kept on PostgreSQL only.")
            return
        for model in SEARCHABLE:
            count = refresh_search_vectors(model._default_manager.all())
            self.stdout.write(f"{model._meta.verbose_name_plural}: {count} rebuilt")
