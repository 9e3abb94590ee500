"""Timelines: an actor's or a conflict's events, positions, measures and status changes.

The four kinds of record live in four tables, and an actor comes into each
in more than one role (a position it took, or one aimed at it). Each kind in
each role is a part: a ``values()`` query with the same columns, read in the
order of an index on (role, date) up to the end of the page asked for, and
the parts are merged in timeline order. A page therefore costs the same few
queries however long the timeline is, and reads about as many rows as it
shows, even for an actor with 190,000 positions (a union of the kinds, with
the roles joined by OR, read and sorted all of them); ``timeline_items``
then loads what a page shows, one query per kind of record on it.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import itertools
import operator
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils.text import Truncator

from actors.models import Actor
from responses.models import (
    Conflict,
    Event,
    EventParticipant,
    Measure,
    MeasureStatusChange,
    Position,
)
from tracker.api.pagination import count_rows
from tracker.choices import DatePrecision


class TimelineType(models.TextChoices):
    """What a timeline item is; the declared order breaks ties between items of one date."""

    EVENT = "event", "Event"
    POSITION = "position", "Position"
    MEASURE = "measure", "Measure"
    STATUS_CHANGE = "status_change", "Status change"


TYPE_RANKS: dict[str, int] = {value: rank for rank, value in enumerate(TimelineType.values)}
TYPES_BY_RANK: dict[int, str] = {rank: value for value, rank in TYPE_RANKS.items()}

# A summary can be a paragraph; a label has to fit on one line.
SUMMARY_CHARS = 120

TimelineRows = QuerySet[Any, dict[str, Any]]
TimelineRecord = Event | Position | Measure | MeasureStatusChange


@dataclass(frozen=True)
class TimelineFilters:
    """Which items a timeline keeps: some types only, and dates within bounds.

    A date bound leaves undated items out: nothing says they fall inside it.
    """

    types: Collection[str] = tuple(TimelineType.values)
    after: datetime.date | None = None
    before: datetime.date | None = None


@dataclass(frozen=True)
class _Branch:
    """One kind of record: its rows for the subject in each role, and its date column."""

    type: str
    records: QuerySet[Any]
    # How the subject comes into a record, one condition per role.
    roles: tuple[Q, ...]
    date_field: str
    # Events and positions record how precise their dates are; measures and
    # status changes have plain dates, so a date they give is a day.
    precision_field: str | None = None

    def parts(self, filters: TimelineFilters) -> list[TimelineRows]:
        """The records of each role; a record in two roles (a measure an actor
        takes against itself) is left to the first."""
        parts = []
        for index, role in enumerate(self.roles):
            earlier = self.roles[:index]
            only_here = functools.reduce(operator.and_, [~other for other in earlier], role)
            parts.append(self.rows(self.records.filter(only_here), filters))
        return parts

    def counted(self, filters: TimelineFilters) -> TimelineRows:
        """Every role at once: one count of the kind reads its indexes once."""
        return self.rows(self.records.filter(functools.reduce(operator.or_, self.roles)), filters)

    def rows(self, queryset: QuerySet[Any], filters: TimelineFilters) -> TimelineRows:
        bounds: dict[str, datetime.date] = {}
        if filters.after is not None:
            bounds[f"{self.date_field}__gte"] = filters.after
        if filters.before is not None:
            bounds[f"{self.date_field}__lte"] = filters.before
        undated = Q(**{f"{self.date_field}__isnull": True})
        precision: F | Case = (
            F(self.precision_field)
            if self.precision_field is not None
            else Case(
                When(undated, then=Value("")),
                default=Value(DatePrecision.DAY.value),
                output_field=models.CharField(),
            )
        )
        # The same columns in every part, so that rows of any kind merge.
        return (
            queryset.filter(**bounds)
            .order_by()
            .values(
                undated=Case(
                    When(undated, then=Value(1)),
                    default=Value(0),
                    output_field=models.IntegerField(),
                ),
                item_date=F(self.date_field),
                type_rank=Value(TYPE_RANKS[self.type], output_field=models.IntegerField()),
                item_id=F("pk"),
                date_precision=precision,
            )
        )


def _timeline_order(row: Mapping[str, Any]) -> tuple[int, datetime.date, int, int]:
    return (row["undated"], row["item_date"] or datetime.date.min, row["type_rank"], row["item_id"])


@dataclass(frozen=True)
class Timeline:
    """The rows of each kind of record, in each role, that make a timeline."""

    parts: tuple[TimelineRows, ...]
    kinds: tuple[TimelineRows, ...]

    def rows_up_to(self, end: int) -> list[dict[str, Any]]:
        """The first ``end`` rows, in timeline order.

        Each part gives its first ``end`` dated rows in the order of its
        date index (undated ones only when those are too few), and the parts
        are merged: no query sorts more rows than the page needs.
        """
        ordered = []
        for part in self.parts:
            rows = list(part.filter(item_date__isnull=False).order_by("item_date", "item_id")[:end])
            if len(rows) < end:
                rows += part.filter(item_date__isnull=True).order_by("item_id")[: end - len(rows)]
            ordered.append(rows)
        return list(itertools.islice(heapq.merge(*ordered, key=_timeline_order), end))

    def count(self) -> int:
        """The items, counted kind by kind: each count reads its own table's
        indexes, where counting the union would read every item. As for a
        text search, PostgreSQL's estimate is asked first and, where it is
        above the limit, believed once a kind holds over a thousand items:
        counting a busy actor's four kinds up to the limit reads 80,000 rows."""
        return sum(count_rows(kind, estimate_first=True) for kind in self.kinds)


def _combine(branches: Sequence[_Branch], filters: TimelineFilters) -> Timeline:
    chosen = [branch for branch in branches if branch.type in filters.types]
    return Timeline(
        parts=tuple(part for branch in chosen for part in branch.parts(filters)),
        kinds=tuple(branch.counted(filters) for branch in chosen),
    )


def actor_timeline(actor: Actor, filters: TimelineFilters | None = None) -> Timeline:
    """Rows for what concerns the actor, in timeline order.

    Events it initiated, was targeted by or took part in; positions it took or
    that target it; measures it took or that target it, and their status changes.
    """
    # The events it took part in, from its own rows of participants: an
    # EXISTS test would be tried on each event in date order.
    took_part = Q(pk__in=EventParticipant.objects.filter(actor=actor).values("event"))
    by_or_at = (Q(actor=actor), Q(target=actor))
    branches = [
        _Branch(
            TimelineType.EVENT,
            Event.objects.all(),
            (Q(initiator=actor), Q(target=actor), took_part),
            "occurred_on",
            "occurred_on_precision",
        ),
        _Branch(
            TimelineType.POSITION,
            Position.objects.all(),
            by_or_at,
            "stated_on",
            "stated_on_precision",
        ),
        _Branch(TimelineType.MEASURE, Measure.objects.all(), by_or_at, "announced_on"),
        _Branch(
            TimelineType.STATUS_CHANGE,
            MeasureStatusChange.objects.all(),
            (Q(measure__actor=actor), Q(measure__target=actor)),
            "changed_on",
        ),
    ]
    return _combine(branches, filters or TimelineFilters())


def conflict_timeline(conflict: Conflict, filters: TimelineFilters | None = None) -> Timeline:
    """Rows for the conflict's events, the positions on them, the measures they
    prompted and those measures' status changes, in timeline order."""
    branches = [
        _Branch(
            TimelineType.EVENT,
            Event.objects.all(),
            (Q(conflict=conflict),),
            "occurred_on",
            "occurred_on_precision",
        ),
        _Branch(
            TimelineType.POSITION,
            Position.objects.all(),
            (Q(event__conflict=conflict),),
            "stated_on",
            "stated_on_precision",
        ),
        _Branch(
            TimelineType.MEASURE,
            Measure.objects.all(),
            (Q(event__conflict=conflict),),
            "announced_on",
        ),
        _Branch(
            TimelineType.STATUS_CHANGE,
            MeasureStatusChange.objects.all(),
            (Q(measure__event__conflict=conflict),),
            "changed_on",
        ),
    ]
    return _combine(branches, filters or TimelineFilters())


@dataclass(frozen=True)
class TimelineItem:
    """One row of a timeline with the record it stands for."""

    type: str
    id: int
    date: datetime.date | None
    date_precision: str
    undated: bool
    record: TimelineRecord

    @property
    def title(self) -> str:
        record = self.record
        if isinstance(record, Event):
            return record.title
        if isinstance(record, Position):
            summary = Truncator(" ".join(record.summary.split())).chars(SUMMARY_CHARS)
            return f"{record.actor.name}: {record.get_stance_display().lower()} — {summary}"
        if isinstance(record, Measure):
            return (
                f"{record.actor.name}: {record.get_kind_display().lower()} on "
                f"{record.target.name} ({record.get_status_display().lower()})"
            )
        return (
            f"{record.get_from_status_display().lower()} → {record.get_to_status_display().lower()}"
        )

    @property
    def actor(self) -> Actor | None:
        """The actor that acted: an event's initiator, the author of the rest."""
        record = self.record
        if isinstance(record, Event):
            return record.initiator
        if isinstance(record, MeasureStatusChange):
            return record.measure.actor
        return record.actor


# What a page shows of each kind of record, loaded with what its label needs.
_RECORDS: dict[str, QuerySet[Any]] = {
    TimelineType.EVENT: Event.objects.select_related("initiator"),
    TimelineType.POSITION: Position.objects.select_related("actor"),
    TimelineType.MEASURE: Measure.objects.select_related("actor", "target"),
    TimelineType.STATUS_CHANGE: MeasureStatusChange.objects.select_related(
        "measure__actor", "measure__target"
    ),
}


def timeline_items(rows: Sequence[Mapping[str, Any]]) -> list[TimelineItem]:
    """The page's rows as items, in one query per kind of record on the page."""
    ids: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        ids[TYPES_BY_RANK[row["type_rank"]]].append(row["item_id"])
    records = {type_: _RECORDS[type_].order_by().in_bulk(pks) for type_, pks in ids.items()}
    items = []
    for row in rows:
        type_ = TYPES_BY_RANK[row["type_rank"]]
        record = records[type_].get(row["item_id"])
        if record is None:
            # Deleted between the page query and this one.
            continue
        items.append(
            TimelineItem(
                type=type_,
                id=row["item_id"],
                date=row["item_date"],
                date_precision=row["date_precision"],
                undated=bool(row["undated"]),
                record=record,
            )
        )
    return items
