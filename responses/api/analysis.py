"""The analysts' endpoints: an event's response matrix and actors' follow-through."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from actors.api.serializers import ActorBriefSerializer
from actors.choices import ActorKind
from actors.models import Actor
from responses.analysis import actors_of, follow_through, response_matrix, with_actors
from responses.api.briefs import EventBriefSerializer, PositionBriefSerializer
from responses.choices import MeasureKind, MeasureStatus, Stance
from responses.filtersets import date_range
from responses.models import Event, Measure
from tracker.api.caching import cached_response
from tracker.api.csv import csv_text
from tracker.api.filtersets import BaseFilterSet, SlugFilter
from tracker.api.pagination import LimitOffsetPagination
from tracker.api.queries import brief_columns
from tracker.api.schema import AutoSchema

# Response matrix


def per_stance(name: str, doc: str, field: Callable[[str], serializers.Field]) -> type:
    """A serializer with one field per stance, in declared order, so the schema lists them all."""
    fields: dict[str, Any] = {stance.value: field(stance.label) for stance in Stance}
    return type(name, (serializers.Serializer,), {"__doc__": doc, "__module__": __name__, **fields})


MatrixCellsSerializer = per_stance(
    "MatrixCellsSerializer",
    "An actor's positions on the event, under each stance (empty lists included).",
    lambda label: PositionBriefSerializer(many=True, help_text=f"Positions taken: {label}."),
)
StanceCountsSerializer = per_stance(
    "StanceCountsSerializer",
    "A number of positions under each stance (zeros included).",
    lambda label: serializers.IntegerField(help_text=f"Positions taken: {label}."),
)


class MatrixColumnSerializer(serializers.Serializer):
    """A column of the matrix: one stance."""

    stance = serializers.ChoiceField(choices=Stance.choices)
    # Shadows Field.label for the type checker only: DRF collects declared fields.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The stance in words, for headings."
    )


class MatrixRowSerializer(serializers.Serializer):
    """An actor's row: its positions and their number under each stance."""

    actor = ActorBriefSerializer()
    cells = MatrixCellsSerializer()
    counts = StanceCountsSerializer()
    total = serializers.IntegerField(help_text="The actor's positions on the event.")


class MatrixTotalsSerializer(serializers.Serializer):
    """Positions on the event under each stance, all actors together."""

    counts = StanceCountsSerializer()
    total = serializers.IntegerField(help_text="All positions on the event.")


class MatrixKindTotalsSerializer(serializers.Serializer):
    """Positions on the event under each stance, by actors of one kind."""

    kind = serializers.ChoiceField(choices=ActorKind.choices)
    counts = StanceCountsSerializer()
    total = serializers.IntegerField(help_text="Positions by actors of this kind.")


class EventMatrixSerializer(serializers.Serializer):
    """Actors (rows) × stances (columns) for one event; each cell lists the positions."""

    event = EventBriefSerializer()
    columns = MatrixColumnSerializer(
        many=True, help_text="Every stance, in a fixed order: the keys of cells and counts."
    )
    rows = MatrixRowSerializer(
        many=True, help_text="One row per actor with a position on the event, ordered by name."
    )
    totals = MatrixTotalsSerializer()
    by_actor_kind = MatrixKindTotalsSerializer(
        many=True,
        help_text="Totals for each kind of actor that took a position, in the kinds' usual order.",
    )

    def to_representation(self, instance: Any) -> dict[str, Any]:
        # Hot (a busy event has thousands of positions): the declared fields' JSON, built
        # directly; tests/responses/test_matrix.py compares the two.
        if type(self) is not EventMatrixSerializer:  # a subclass may declare other fields
            return super().to_representation(instance)
        # The briefs the declared fields show, built on their own: the declared
        # tree (a list of positions under each stance of each row) would be
        # copied field by field for every request.
        event = EventBriefSerializer(context=self.context)
        actor = ActorBriefSerializer(context=self.context)
        position = PositionBriefSerializer(context=self.context).to_representation
        return {
            "event": event.to_representation(instance["event"]),
            "columns": [dict(column) for column in instance["columns"]],
            "rows": [
                {
                    "actor": actor.to_representation(row["actor"]),
                    "cells": {
                        stance: list(map(position, cell)) for stance, cell in row["cells"].items()
                    },
                    "counts": dict(row["counts"]),
                    "total": row["total"],
                }
                for row in instance["rows"]
            ],
            "totals": {
                "counts": dict(instance["totals"]["counts"]),
                "total": instance["totals"]["total"],
            },
            "by_actor_kind": [
                {"kind": tally["kind"], "counts": dict(tally["counts"]), "total": tally["total"]}
                for tally in instance["by_actor_kind"]
            ],
        }


class MatrixCSVRenderer(BaseRenderer):
    """The matrix as a spreadsheet: one line per actor, one column per stance."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None and response.exception:
            # An error keeps the API's one error shape, whatever format was asked for.
            response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, "application/json", renderer_context)
        if response is not None:
            filename = f"{data['event']['slug']}-matrix.csv"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        header = ["actor_slug", "actor_name", "actor_kind", *Stance.values, "total"]
        rows = (
            [
                row["actor"]["slug"],
                row["actor"]["name"],
                row["actor"]["kind"],
                *(row["counts"][stance] for stance in Stance.values),
                row["total"],
            ]
            for row in data["rows"]
        )
        return csv_text(header, rows)


class JSONErrorsAutoSchema(AutoSchema):
    """Documents errors as JSON only: MatrixCSVRenderer sends them as JSON."""

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        # A hook drf-standardized-errors' documentation ("OpenAPI integration") has
        # projects override and call through super().
        responses = super()._get_response_bodies(direction)
        for status_code, response in responses.items():
            content = response.get("content") if isinstance(response, dict) else None
            if str(status_code) >= "400" and content:
                response["content"] = {
                    media_type: body
                    for media_type, body in content.items()
                    if media_type == "application/json"
                }
        return responses


MATRIX_RESPONSE_DESCRIPTION = (
    "The matrix. As CSV: one line per actor with actor_slug, actor_name, actor_kind, "
    f"one column per stance ({', '.join(Stance.values)}) holding the number of positions, "
    "and total."
)


@extend_schema(
    summary="Which actor took which stance on an event",
    description=(
        "The positions on the event arranged by actor (rows, ordered by name) and stance "
        "(columns: every stance, in a fixed order), with totals per stance, per actor and "
        "per kind of actor. Ask for CSV with `?format=csv` or `Accept: text/csv`."
    ),
    parameters=[
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=["json", "csv"],
            description="Response format, instead of the Accept header.",
        )
    ],
    responses={
        (200, "application/json"): OpenApiResponse(
            EventMatrixSerializer, description=MATRIX_RESPONSE_DESCRIPTION
        ),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
    },
)
class EventMatrixView(generics.RetrieveAPIView):
    # What the matrix shows of the event: its brief (the whole row carries its search vector).
    queryset = Event.objects.only("id", *brief_columns(EventBriefSerializer))
    serializer_class = EventMatrixSerializer
    lookup_field = "slug"
    filter_backends: list[Any] = []
    pagination_class = None
    schema = JSONErrorsAutoSchema()

    def get_renderers(self) -> list[BaseRenderer]:
        return [*super().get_renderers(), MatrixCSVRenderer()]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return cached_response(
            request,
            lambda: Response(self.get_serializer(response_matrix(self.get_object())).data),
        )


# Follow-through


class FollowThroughFilterSet(BaseFilterSet):
    """Which measures the statistics count.

    Every relation filtered here is a foreign key, so no measure can repeat:
    the filters skip DISTINCT, which would only get in the way of the GROUP BY.
    """

    # Searching the measures' text says little about an actor's record.
    q = None
    actor_kind = filters.MultipleChoiceFilter(
        field_name="actor__kind",
        choices=ActorKind.choices,
        distinct=False,
        help_text="Kind of the actor.",
    )
    actor = SlugFilter(
        "actor",
        Actor.objects.all(),
        "Slug of the actor that threatens or takes the measures.",
        distinct=False,
    )
    target = SlugFilter(
        "target",
        Actor.objects.all(),
        "Slug of the actor the measures are against or for.",
        distinct=False,
    )
    kind = filters.MultipleChoiceFilter(
        choices=MeasureKind.choices, distinct=False, help_text="Kind of measure."
    )
    announced_after, announced_before = date_range("announced_on", "Measures announced")

    class Meta:
        model = Measure
        fields = ["actor_kind", "actor", "target", "kind", "announced_after", "announced_before"]


class StatisticsPagination(LimitOffsetPagination):
    """Limit/offset paging with a plain count: rows of statistics are groups."""

    def get_count(self, queryset: Any) -> int:
        # The capped count reshapes the query; over grouped rows count the groups.
        return queryset.count()


def _count(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(help_text=help_text)


class FollowThroughSerializer(serializers.Serializer):
    """How often an actor's threats became measures adopted or put in force."""

    actor = ActorBriefSerializer()
    measures = _count("The actor's measures (those matching the filters).")
    threatened = _count("Measures now threatened.")
    proposed = _count("Measures now proposed.")
    adopted = _count("Measures now adopted.")
    in_force = _count("Measures now in force.")
    suspended = _count("Measures now suspended.")
    lifted = _count("Measures now lifted.")
    withdrawn = _count("Measures now withdrawn.")
    lapsed = _count("Measures now lapsed.")
    threats = _count(
        "Measures that began as threats: still threatened, or moved on from threatened."
    )
    carried_out = _count("Threats later adopted or put in force.")
    follow_through = serializers.FloatField(
        allow_null=True,
        help_text="carried_out / threats, rounded to 3 places; null without threats.",
    )
    median_days_to_adoption = serializers.FloatField(
        allow_null=True,
        help_text=(
            "Median days from a carried-out threat's announcement to its first adoption or "
            "entry into force; null when no such threat has both dates."
        ),
    )


FOLLOW_THROUGH_FIGURES = (
    "measures",
    *MeasureStatus.values,
    "threats",
    "carried_out",
    "follow_through",
    "median_days_to_adoption",
)


class FollowThroughCSVRenderer(MatrixCSVRenderer):
    """The page of statistics as a spreadsheet: one line per actor, the JSON's figures."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None and response.exception:
            return super().render(data, accepted_media_type, renderer_context)
        if response is not None:
            response["Content-Disposition"] = 'attachment; filename="follow-through.csv"'
        header = ["actor_slug", "actor_name", "actor_kind", *FOLLOW_THROUGH_FIGURES]
        found = data["results"] if isinstance(data, dict) else data
        rows = (
            [
                row["actor"]["slug"],
                row["actor"]["name"],
                row["actor"]["kind"],
                *(row[figure] for figure in FOLLOW_THROUGH_FIGURES),
            ]
            for row in found
        )
        return csv_text(header, rows)


@extend_schema(
    summary="How often each actor's threats were carried out",
    description=(
        "One row per actor with at least one measure matching the filters, ordered by "
        "actor name: its measures by current status, its threats, how many of them were "
        "later adopted or put in force, and how long that took. Ask for CSV (one line per "
        "actor of the page) with `?format=csv` or `Accept: text/csv`."
    ),
    parameters=[
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            enum=["json", "csv"],
            description="Response format, instead of the Accept header.",
        )
    ],
)
class FollowThroughView(generics.ListAPIView):
    queryset = Measure.objects.all()
    serializer_class = FollowThroughSerializer
    filterset_class = FollowThroughFilterSet
    pagination_class = StatisticsPagination
    schema = JSONErrorsAutoSchema()

    def get_renderers(self) -> list[BaseRenderer]:
        return [*super().get_renderers(), FollowThroughCSVRenderer()]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return cached_response(request, lambda: self._statistics(request))

    def _statistics(self, request: Request) -> Response:
        # Three queries: the number of actors, one page of them, their statistics.
        measures = self.filter_queryset(self.get_queryset())
        actors = actors_of(measures)
        page = self.paginate_queryset(actors)
        shown = list(actors) if page is None else page
        rows = follow_through(measures.filter(actor__in=[actor.pk for actor in shown]))
        data = self.get_serializer(with_actors(rows, shown), many=True).data
        return Response(data) if page is None else self.get_paginated_response(data)
