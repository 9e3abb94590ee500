"""Counts over time: records per period, optionally split by one dimension.

The rows are long ("tidy"): one per period and value, zeros included from
the first period to the last, so a chart's time axis has no holes and
``pandas.pivot`` or a spreadsheet's pivot table gets every cell.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet

from tracker.api.dimensions import Dimension, Period, countable, period_end, period_start
from tracker.api.facets import facets_filter_of

# The most rows one answer holds: ten values over 83 years of months.
MAX_ROWS = 10_000


class TooManyRows(Exception):
    pass


def date_period(filterset_class: Any, period: str) -> Period:
    """The list's date (its first period facet) cut into ``period``s."""
    declared = facets_filter_of(filterset_class)
    dates = [
        dimension
        for dimension in (declared.dimensions.values() if declared else ())
        if isinstance(dimension, Period)
    ]
    if not dates:
        raise LookupError(f"{filterset_class.__name__} declares no date to count by")
    return Period(period, dates[0].column, dates[0].after, dates[0].before)


def grouping_dimensions(filterset_class: Any) -> dict[str, Dimension]:
    """What the list's counts can be split by: its facets, but for the periods."""
    declared = facets_filter_of(filterset_class)
    if declared is None:
        return {}
    return {
        name: dimension
        for name, dimension in declared.dimensions.items()
        if not isinstance(dimension, Period)
    }


def _following(start: datetime.date, period: str) -> datetime.date:
    return period_end(start, period) + datetime.timedelta(days=1)


def counts_over_time(
    queryset: QuerySet,
    filterset_class: Any,
    *,
    period: str = "month",
    by: str | None = None,
    top: int = 10,
) -> list[dict[str, Any]]:
    """Rows of ``{"period": date, <by>: value, "count": n}`` for ``queryset``'s records.

    ``by`` names one of the list's dimensions (``stance``); only its ``top``
    largest values are counted. Raises TooManyRows past MAX_ROWS rows. As for
    period facets, the database counts by day and the days are added up here.
    """
    cut = date_period(filterset_class, period)
    dimension = grouping_dimensions(filterset_class)[by] if by else None
    records = countable(queryset)
    # What each grouped key is shown as: its value in the filter's terms.
    shown_of: dict[Any, str | None] = {None: None}
    columns: dict[str, Any] = {"day": F(cut.column)}
    if dimension is not None:
        shown_of = {key: value.value for key, value, _count in dimension.top(records, top)}
        records = records.filter(**{f"{dimension.key_path()}__in": list(shown_of)})
        # The value first: an index on (value, date) serves the grouping in order.
        columns = {"key": dimension.expression(), **columns}
    days = records.values(**columns).annotate(count=Count("*")).exclude(day=None).order_by()
    counts: dict[tuple[datetime.date, str | None], int] = {}
    for day in days.iterator():
        cell = (period_start(day["day"], period), shown_of[day.get("key")])
        counts[cell] = counts.get(cell, 0) + day["count"]
    if not counts:
        return []
    starts = sorted({start for start, _shown in counts})
    rows: list[dict[str, Any]] = []
    start = starts[0]
    while start <= starts[-1]:
        for shown in shown_of.values():
            row: dict[str, Any] = {"period": start}
            if dimension is not None:
                row[dimension.name] = shown
            row["count"] = counts.get((start, shown), 0)
            rows.append(row)
        if len(rows) > MAX_ROWS:
            raise TooManyRows(
                f"More than {MAX_ROWS} rows: choose a longer period, fewer values (top), "
                "or narrow the dates."
            )
        start = _following(start, period)
    return rows
