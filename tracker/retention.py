"""What the purge commands behind ``apply_retention`` share."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandParser


def add_days_argument(parser: CommandParser, setting: str) -> None:
    """``--days``: how many days to keep, by default the named setting's."""
    parser.add_argument(
        "--days",
        type=int,
        default=getattr(settings, setting),
        help=f"Keep this many days (default {setting}; 0 keeps everything).",
    )
