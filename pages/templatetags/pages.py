"""Template filters and tags of the analysts' pages.

Plain Python where a template would loop: a busy event's matrix quotes
hundreds of positions, and an included template or Django's date format
for each of them costs more than the rest of the page.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tracker.choices import DatePrecision

register = template.Library()


@register.filter
def partial_date(value: datetime.date | None, precision: str = "") -> str:
    """``value`` as precisely as its source gives it; "undated" when it gives none."""
    if value is None:
        return "undated"
    # A date known to the month is stored as its first day: show only what is known.
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return f"{calendar.month_name[value.month]} {value.year}"
    return f"{value.day} {calendar.month_name[value.month]} {value.year}"


@register.filter
def shorten(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, an ellipsis marking the cut."""
    if len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + "…"


@register.simple_tag
def sources_list(sources: Iterable[Any]) -> SafeString:
    """A list of sources, each linked to its URL when it has one."""
    items = [
        format_html(
            "<li>{}{}</li>",
            format_html(
                '<a href="{}" rel="external noopener noreferrer">{}</a>', source.url, source.title
            )
            if source.url
            else source.title,
            f", {source.publisher}" if source.publisher else "",
        )
        for source in sources
    ]
    if not items:
        return SafeString("")
    return format_html(
        '<ul class="sources">{}</ul>', format_html_join("", "{}", ((item,) for item in items))
    )
