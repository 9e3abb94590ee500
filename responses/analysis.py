"""Analysts' questions answered in the database: response matrices and follow-through."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Round

from actors.choices import ActorKind
from actors.models import Actor
from responses.choices import MeasureStatus, Stance
from responses.models import Event, Measure, MeasureStatusChange, Position
from tracker.aggregates import DaysBetween, Median

# Response matrix

ACTOR_BRIEF = ("slug", "name", "short_name", "kind")


class StanceTally(TypedDict):
    counts: dict[str, int]
    total: int


class MatrixRow(StanceTally):
    actor: Actor
    cells: dict[str, list[Position]]


class KindTally(StanceTally):
    kind: str


class ResponseMatrix(TypedDict):
    event: Event
    columns: list[dict[str, str]]
    rows: list[MatrixRow]
    totals: StanceTally
    by_actor_kind: list[KindTally]


def _tally(rows: Iterable[StanceTally]) -> StanceTally:
    counts = dict.fromkeys(Stance.values, 0)
    for row in rows:
        for stance, count in row["counts"].items():
            counts[stance] += count
    return {"counts": counts, "total": sum(counts.values())}


def response_matrix(event: Event) -> ResponseMatrix:
    """Who took which stance on an event: actors by name × every stance, in declared order.

    One query, however many positions: the cells list the positions themselves,
    so they are fetched anyway, and counting them as they are grouped is free.
    """
    positions = (
        Position.objects.filter(event=event)
        .select_related("actor")
        # What the cells show: position briefs, and each row's actor brief.
        .only("id", "stance", "summary", "actor", *(f"actor__{name}" for name in ACTOR_BRIEF))
        .order_by("actor__name", "actor_id", "id")
    )
    rows: dict[int, MatrixRow] = {}
    for position in positions:
        row = rows.get(position.actor_id)
        if row is None:
            row = rows[position.actor_id] = {
                "actor": position.actor,
                "cells": {stance: [] for stance in Stance.values},
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


def follow_through(measures: QuerySet[Measure]) -> QuerySet[Any, Mapping[str, Any]]:
    """One row of statistics per actor of ``measures``, ordered by actor name.

    A single GROUP BY over the measures, with correlated subqueries on their
    status changes, so the cost stays in the database however many there are.
    Each row holds the actor's id under ``actor``; see ``with_actors``.
    """
    changes = MeasureStatusChange.objects.filter(measure=OuterRef("pk"))
    # Every lifecycle that starts as a threat leaves a change from `threatened`
    # unless the measure is still threatened.
    was_threat = Q(status=MeasureStatus.THREATENED) | Q(
        Exists(changes.filter(from_status=MeasureStatus.THREATENED))
    )
    carried_out = was_threat & (
        Q(status__in=ADOPTION_STATUSES) | Q(Exists(changes.filter(to_status__in=ADOPTION_STATUSES)))
    )
    adopted_on = Subquery(
        changes.filter(to_status__in=ADOPTION_STATUSES)
        .order_by("created_at", "id")
        .values("changed_on")[:1]
    )
    by_status = {status: Count("id", filter=Q(status=status)) for status in MeasureStatus.values}
    return (
        measures.order_by()  # the model's ordering would split the groups
        .values("actor")
        .annotate(
            measures=Count("id"),
            **by_status,
            threats=Count("id", filter=was_threat),
            carried_out=Count("id", filter=carried_out),
            median_days_to_adoption=Median(
                DaysBetween("announced_on", adopted_on), filter=carried_out
            ),
        )
        .annotate(
            follow_through=Case(
                When(threats=0, then=Value(None)),
                default=Round(
                    Cast(F("carried_out"), FloatField()) / Cast(F("threats"), FloatField()), 3
                ),
                output_field=FloatField(),
            )
        )
        .order_by("actor__name", "actor")
    )


def actors_of(measures: QuerySet[Measure]) -> QuerySet[Actor]:
    """The actors with at least one of ``measures``, in the order of follow_through's rows.

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
