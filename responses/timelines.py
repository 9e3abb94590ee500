"""Timelines: an actor's or a conflict's events, positions, measures and status changes.

The four kinds of record live in four tables, so a timeline is a UNION ALL of
four ``values()`` queries with the same columns, ordered and paged by the
database. A page therefore costs the same few queries however long the
timeline is; ``timeline_items`` then loads what a page shows, one query per
kind of record on it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
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
    """One kind of record in the union: its rows for the subject and its date column."""

    type: str
    queryset: QuerySet[Any]
    date_field: str
    # Events and positions record how precise their dates are; measures and
    # status changes have plain dates, so a date they give is a day.
    precision_field: str | None = None

    def rows(self, filters: TimelineFilters) -> TimelineRows:
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
        # The same columns, in the same order and of the same types, in every
        # branch: a UNION matches columns by position. Meta.ordering is cleared
        # because SQLite refuses ORDER BY inside a compound statement.
        return (
            self.queryset.filter(**bounds)
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


# Timeline order; a combined query can only be ordered by its columns' names.
ORDER = ("undated", "item_date", "type_rank", "item_id")


@dataclass(frozen=True)
class Timeline:
    """The rows of each kind of record in a timeline, combined in order."""

    parts: tuple[TimelineRows, ...]

    @property
    def rows(self) -> TimelineRows:
        return self.rows_up_to(None)

    def rows_up_to(self, end: int | None) -> TimelineRows:
        """Every row in order, or, given ``end``, at least the first ``end``.

        Where the database allows it (PostgreSQL), each kind keeps only its
        first ``end`` rows before they are combined: the first page of a
        busy actor then sorts a few hundred rows, not 150,000.
        """
        first, *rest = self.parts
        parts = [first, *rest]
        if (
            end is not None
            and rest
            and connections[first.db].features.supports_slicing_ordering_in_compound
        ):
            parts = [part.order_by(*ORDER)[:end] for part in parts]
        head, *tail = parts
        combined = head.union(*tail, all=True) if tail else head
        return combined.order_by(*ORDER)

    def count(self) -> int:
        """The items, counted kind by kind as lists count (exact up to a limit,
        PostgreSQL's estimate above it): each count reads its own table's
        indexes, where counting the union would read and combine every item."""
        return sum(count_rows(part) for part in self.parts)


def _combine(branches: Sequence[_Branch], filters: TimelineFilters) -> Timeline:
    chosen = [branch.rows(filters) for branch in branches if branch.type in filters.types]
    return Timeline(tuple(chosen) or (branches[0].rows(filters).none(),))


def actor_timeline(actor: Actor, filters: TimelineFilters | None = None) -> Timeline:
    """Rows for what concerns the actor, in timeline order.

    Events it initiated, was targeted by or took part in; positions it took or
    that target it; measures it took or that target it, and their status changes.
    """
    took_part = Exists(EventParticipant.objects.filter(event=OuterRef("pk"), actor=actor))
    branches = [
        _Branch(
            TimelineType.EVENT,
            # Exists rather than a join on participants, which would repeat an
            # event once per participant.
            Event.objects.filter(Q(initiator=actor) | Q(target=actor) | took_part),
            "occurred_on",
            "occurred_on_precision",
        ),
        _Branch(
            TimelineType.POSITION,
            Position.objects.filter(Q(actor=actor) | Q(target=actor)),
            "stated_on",
            "stated_on_precision",
        ),
        _Branch(
            TimelineType.MEASURE,
            Measure.objects.filter(Q(actor=actor) | Q(target=actor)),
            "announced_on",
        ),
        _Branch(
            TimelineType.STATUS_CHANGE,
            MeasureStatusChange.objects.filter(Q(measure__actor=actor) | Q(measure__target=actor)),
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
            Event.objects.filter(conflict=conflict),
            "occurred_on",
            "occurred_on_precision",
        ),
        _Branch(
            TimelineType.POSITION,
            Position.objects.filter(event__conflict=conflict),
            "stated_on",
            "stated_on_precision",
        ),
        _Branch(
            TimelineType.MEASURE,
            Measure.objects.filter(event__conflict=conflict),
            "announced_on",
        ),
        _Branch(
            TimelineType.STATUS_CHANGE,
            MeasureStatusChange.objects.filter(measure__event__conflict=conflict),
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
