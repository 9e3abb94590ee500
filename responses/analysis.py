"""Analysts' questions answered in the database: response matrices and follow-through."""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import Any, TypedDict

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from actors.choices import ActorKind
from actors.models import Actor
from responses.choices import MeasureStatus, Stance
from responses.models import Event, Measure, MeasureStatusChange, Position

# Response matrix

ACTOR_BRIEF = ("slug", "name", "short_name", "kind")
# Choices.values builds a new list on every read; a matrix reads it once per row.
STANCES = tuple(Stance.values)


class StanceTally(TypedDict):
    counts: dict[str, int]
    total: int


class MatrixRow(StanceTally):
    actor: SimpleNamespace
    cells: dict[str, list[SimpleNamespace]]


class KindTally(StanceTally):
    kind: str


class ResponseMatrix(TypedDict):
    event: Event
    columns: list[dict[str, str]]
    rows: list[MatrixRow]
    totals: StanceTally
    by_actor_kind: list[KindTally]


def _tally(rows: Iterable[StanceTally]) -> StanceTally:
    counts = dict.fromkeys(STANCES, 0)
    for row in rows:
        for stance, count in row["counts"].items():
            counts[stance] += count
    return {"counts": counts, "total": sum(counts.values())}


# What the matrix shows of each position (its brief) and of its actor (the actor's brief).
POSITION_BRIEF = ("id", "stance", "summary")


def response_matrix(event: Event) -> ResponseMatrix:
    """Who took which stance on an event: actors by name × every stance, in declared order.

    One query, however many positions: the cells list the positions themselves,
    so they are fetched anyway, and counting them as they are grouped is free.
    The rows are read with ``values_list()``, not as model instances: a busy
    event has thousands of positions, and a position and its actor in the
    matrix are only their briefs. Each is a plain object with the brief's
    attributes (and ``pk``, which URLs read), as the serializers read them.
    """
    columns = (*POSITION_BRIEF, "actor_id", *(f"actor__{name}" for name in ACTOR_BRIEF))
    found = (
        Position.objects.filter(event_id=event.pk)
        .order_by("actor__name", "actor_id", "id")
        .values_list(*columns)
    )
    actors: dict[int, SimpleNamespace] = {}
    positions: list[SimpleNamespace] = []
    for pk, stance, summary, actor_id, *actor in found:
        if actor_id not in actors:
            actors[actor_id] = SimpleNamespace(
                pk=actor_id, **dict(zip(ACTOR_BRIEF, actor, strict=True))
            )
        positions.append(
            SimpleNamespace(pk=pk, id=pk, stance=stance, summary=summary, actor=actors[actor_id])
        )
    rows: dict[int, MatrixRow] = {}
    for position in positions:
        row = rows.get(position.actor.pk)
        if row is None:
            row = rows[position.actor.pk] = {
                "actor": position.actor,
                "cells": {stance: [] for stance in STANCES},
                "counts": {},
                "total": 0,
            }
        row["cells"][position.stance].append(position)
    for row in rows.values():
        row["counts"] = {stance: len(cell) for stance, cell in row["cells"].items()}
        row["total"] = sum(row["counts"].values())
    by_kind: list[KindTally] = []
    for kind in ActorKind.values:
        of_kind = [row for row in rows.values() if row["actor"].kind == kind]
        if of_kind:
            tally = _tally(of_kind)
            by_kind.append({"kind": kind, "counts": tally["counts"], "total": tally["total"]})
    return {
        "event": event,
        "columns": [{"stance": stance.value, "label": stance.label} for stance in Stance],
        "rows": list(rows.values()),
        "totals": _tally(rows.values()),
        "by_actor_kind": by_kind,
    }


# Follow-through (TIES: how often does a threat become a sanction?)

# A threat is carried out once the measure is adopted or in force.
ADOPTION_STATUSES = (MeasureStatus.ADOPTED, MeasureStatus.IN_FORCE)


def follow_through(measures: QuerySet[Measure]) -> list[dict[str, Any]]:
    """One row of statistics per actor of ``measures`` (keyed by the actor's id under ``actor``).

    Three reads, none of them per measure: the measures counted by actor and
    status; the status changes that tell whether a measure was a threat and
    whether it was carried out (in the order they were recorded, so that a
    measure's first adoption comes first); and the threats themselves, with
    their dates. The rows per actor are tallied here, in no particular order
    (``with_actors`` puts them in the actors' order). Grouping each measure
    with its changes in SQL, with a lookup per measure for its first
    adoption, read every measure of a busy actor one by one. Callers pass
    the measures of one page of actors (see ``actors_of``).
    """
    measures = measures.order_by()
    tallies: dict[int, _FollowThroughTally] = {}
    for actor, status, count in measures.values_list("actor", "status").annotate(Count("pk")):
        tally = tallies.get(actor)
        if tally is None:
            tally = tallies[actor] = _FollowThroughTally()
        tally.statuses[status] = count
    changes = MeasureStatusChange.objects.filter(measure__in=measures.values("pk")).order_by()
    # Every lifecycle that starts as a threat leaves a change from
    # `threatened` unless the measure is still threatened.
    left_threat = Q(from_status=MeasureStatus.THREATENED)
    adoption = Q(to_status__in=ADOPTION_STATUSES)
    adopted_on: dict[int, datetime.date | None] = {}
    for measure, changed_on in (
        changes.filter(adoption).order_by("created_at", "id").values_list("measure", "changed_on")
    ):
        adopted_on.setdefault(measure, changed_on)
    threats = measures.filter(
        Q(status=MeasureStatus.THREATENED) | Q(pk__in=changes.filter(left_threat).values("measure"))
    )
    for pk, actor, status, announced_on in threats.values_list(
        "pk", "actor", "status", "announced_on"
    ):
        # Its own tally even if the count by status missed it: with replicas,
        # or a commit between the reads, they may see different rows.
        tally = tallies.setdefault(actor, _FollowThroughTally())
        tally.add_threat(status, announced_on, pk in adopted_on, adopted_on.get(pk))
    return [tally.row(actor) for actor, tally in tallies.items()]


class _FollowThroughTally:
    """One actor's figures: its measures by status, then its threats one by one."""

    def __init__(self) -> None:
        self.statuses = dict.fromkeys(MeasureStatus.values, 0)
        self.threats = 0
        self.carried_out = 0
        self.days_to_adoption: list[int] = []

    def add_threat(
        self,
        status: str,
        announced_on: datetime.date | None,
        reached_adoption: bool,
        adopted_on: datetime.date | None,
    ) -> None:
        self.threats += 1
        if status in ADOPTION_STATUSES or reached_adoption:
            self.carried_out += 1
            if announced_on is not None and adopted_on is not None:
                self.days_to_adoption.append((adopted_on - announced_on).days)

    def row(self, actor: int) -> dict[str, Any]:
        ratio = None
        if self.threats:
            # Rounded half up on the exact fraction, as the database's numeric ROUND does.
            exact = Decimal(self.carried_out) / Decimal(self.threats)
            ratio = float(exact.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))
        days = self.days_to_adoption
        return {
            "actor": actor,
            "measures": sum(self.statuses.values()),
            **self.statuses,
            "threats": self.threats,
            "carried_out": self.carried_out,
            "median_days_to_adoption": float(statistics.median(days)) if days else None,
            "follow_through": ratio,
        }


def actors_of(measures: QuerySet[Measure]) -> QuerySet[Actor]:
    """The actors with at least one of ``measures``, by name: the order of the statistics' rows.

    Paging these first lets the statistics be computed for one page of
    actors only, rather than for every actor and then cut.
    """
    return Actor.objects.filter(Exists(measures.filter(actor=OuterRef("pk")))).order_by(
        "name", "pk"
    )


def with_actors(rows: Iterable[Mapping[str, Any]], actors: Iterable[Actor]) -> list[dict[str, Any]]:
    """One row per actor, in the actors' order, each row's actor id replaced by the actor."""
    by_actor = {row["actor"]: row for row in rows}
    return [{**by_actor[actor.pk], "actor": actor} for actor in actors if actor.pk in by_actor]
