"""What a list's records can be counted by: facets and counts over time.

A list's FilterSet declares its ``dimensions``: a choice column (stance), a
relation (actor), or a date cut into periods (month). Each dimension is named
after the filter that narrows the list to one of its values, so a count
always comes with the query that lists the records it counted.

Relations are grouped on the foreign key and only the top values are then
looked up (their slugs and names): joining a million rows to their actors
to group by slug would read every actor row once per record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Model, QuerySet
from django.db.models.expressions import Expression


def countable(queryset: QuerySet) -> QuerySet:
    """``queryset`` without its order or prefetches, each record once: ready to be grouped."""
    if queryset.query.distinct:
        # Grouping a DISTINCT query would count a record once per joined row.
        queryset = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
    return queryset.order_by().prefetch_related(None)


@dataclass(frozen=True)
class Value:
    """One value of a dimension as a reader sees it: the filter's value and a label."""

    value: str
    label: str


class Dimension:
    """A column records are grouped by; ``name`` is the filter that narrows to a value."""

    def __init__(self, name: str, column: str) -> None:
        self.name = name
        self.column = column

    def key_path(self) -> str:
        """The ORM path of what is grouped (a foreign key's own column, not the record)."""
        return self.column

    def expression(self) -> Expression | F:
        return F(self.key_path())

    def shown(self, keys: Iterable[Any]) -> dict[Any, Value]:
        """How each grouped key is shown, and what the filter takes to narrow to it."""
        return {key: Value(str(key), str(key)) for key in keys}

    def narrowing(self, value: Value) -> dict[str, str]:
        """The query parameters that narrow the list to ``value``."""
        return {self.name: value.value}

    def top(self, queryset: QuerySet, size: int) -> list[tuple[Any, Value, int]]:
        """The ``size`` largest groups: key, shown value, count."""
        grouped = (
            countable(queryset)
            .values(key=self.expression())
            .annotate(count=Count("*"))
            .exclude(key=None)
        )
        ordered = grouped.order_by("-count", "key")
        found = list(ordered[:size])
        shown = self.shown(row["key"] for row in found)
        return [(row["key"], shown[row["key"]], row["count"]) for row in found]


class Choice(Dimension):
    """A column with choices: counted by value, labelled as the choices say."""

    def __init__(self, name: str, column: str, choices: Iterable[tuple[str, str]]) -> None:
        super().__init__(name, column)
        self.labels = dict(choices)

    def shown(self, keys: Iterable[Any]) -> dict[Any, Value]:
        return {key: Value(key, str(self.labels.get(key, key))) for key in keys}


class Related(Dimension):
    """A foreign key: grouped on the key, shown and filtered by the record's slug."""

    def __init__(self, name: str, column: str, model: type[Model], label: str = "name") -> None:
        super().__init__(name, column)
        self.model = model
        self.label = label

    def key_path(self) -> str:
        return f"{self.column}_id"

    def shown(self, keys: Iterable[Any]) -> dict[Any, Value]:
        records = self.model._default_manager.filter(pk__in=list(keys)).values_list(
            "pk", "slug", self.label
        )
        return {pk: Value(slug, label) for pk, slug, label in records}


PERIODS = ("year", "quarter", "month", "week", "day")


def period_end(start: datetime.date, period: str) -> datetime.date:
    """The last day of the period that begins on ``start``."""
    if period == "day":
        return start
    if period == "week":
        return start + datetime.timedelta(days=6)
    months = {"year": 12, "quarter": 3, "month": 1}[period]
    month = start.month - 1 + months
    following = datetime.date(start.year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def period_start(day: datetime.date, period: str) -> datetime.date:
    """The first day of the ``period`` that ``day`` falls in (weeks begin on Monday)."""
    if period == "year":
        return day.replace(month=1, day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day


class Period(Dimension):
    """A date cut into periods; narrowed by the list's date range filters.

    The database groups by the date itself and the days are added up into
    periods here: grouping by the day reads the date's index in order, with
    no sort, and a century holds only 36,525 days. Cutting dates into months
    in SQL would sort every row (and on SQLite run Python for each).
    """

    def __init__(self, name: str, column: str, after: str, before: str) -> None:
        super().__init__(name, column)
        self.after = after
        self.before = before

    def top(self, queryset: QuerySet, size: int) -> list[tuple[Any, Value, int]]:
        days = (
            countable(queryset)
            .values(day=F(self.column))
            .annotate(count=Count("*"))
            .exclude(day=None)
            .order_by()
        )
        counts: dict[datetime.date, int] = {}
        for row in days.iterator():
            start = period_start(row["day"], self.name)
            counts[start] = counts.get(start, 0) + row["count"]
        latest = sorted(counts, reverse=True)[:size]
        return [(start, self.value_of(start), counts[start]) for start in latest]

    def value_of(self, start: datetime.date) -> Value:
        label = start.strftime({"year": "%Y", "month": "%Y-%m"}.get(self.name, "%Y-%m-%d"))
        return Value(start.isoformat(), label)

    def narrowing(self, value: Value) -> dict[str, str]:
        start = datetime.date.fromisoformat(value.value)
        return {self.after: value.value, self.before: period_end(start, self.name).isoformat()}


def periods(column: str, after: str, before: str) -> tuple[Period, ...]:
    """The periods of a date column as facets: by year and by month."""
    return tuple(Period(name, column, after, before) for name in ("year", "month"))


def dimensions_of(filterset_class: Any) -> Mapping[str, Dimension]:
    """A FilterSet's declared dimensions, by name (none when it declares none)."""
    declared: Iterable[Dimension] = getattr(filterset_class, "dimensions", ())
    return {dimension.name: dimension for dimension in declared}
