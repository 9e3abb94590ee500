"""Template filters of the analysts' pages."""

from __future__ import annotations

import datetime

from django import template
from django.utils.dateformat import format as format_date

from tracker.choices import DatePrecision

register = template.Library()

# A date known to the month is stored as its first day: show only what is known.
FORMATS: dict[str, str] = {DatePrecision.MONTH: "F Y", DatePrecision.YEAR: "Y"}


@register.filter
def partial_date(value: datetime.date | None, precision: str = "") -> str:
    """``value`` as precisely as its source gives it; "undated" when it gives none."""
    if value is None:
        return "undated"
    return format_date(value, FORMATS.get(precision, "j F Y"))
