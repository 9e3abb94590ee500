from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from actors.api.serializers import ActorBriefSerializer
from idempotency.replay import idempotent
from responses.api.briefs import (
    ConflictBriefSerializer,
    EventBriefSerializer,
    MeasureBriefSerializer,
    PositionBriefSerializer,
    SourceBriefSerializer,
)
from responses.api.counts import CountsMixin, counts_schema
from responses.api.serializers import (
    ConflictSerializer,
    EventResponsesReportSerializer,
    EventSerializer,
    MeasureSerializer,
    PositionSerializer,
    SourceSerializer,
    StatusChangeSerializer,
    TransitionSerializer,
)
from responses.declarations import CONFLICT, EVENT, MEASURE, POSITION, SOURCE, STATUS_CHANGE
from responses.filtersets import (
    ConflictFilterSet,
    EventFilterSet,
    MeasureFilterSet,
    PositionFilterSet,
    SourceFilterSet,
    StatusChangeFilterSet,
)
from responses.lifecycle import StatusChanged, transition_measure
from responses.models import (
    Conflict,
    Event,
    EventRelation,
    Measure,
    MeasureStatusChange,
    Position,
    Source,
)
from responses.reports import responses_by_actor
from tracker.api.errors import ConflictError, ProtectedRecord
from tracker.api.history import HistoryMixin
from tracker.api.queries import briefs_of, columns_for
from tracker.api.viewsets import TrackerReadOnlyViewSet, TrackerViewSet

SLUG_PATTERN = "[-a-zA-Z0-9_]+"


def cited_sources() -> Prefetch:
    """A record's sources, as briefs: only the columns a brief shows."""
    return briefs_of("sources", SourceBriefSerializer)


class SourceViewSet(HistoryMixin, TrackerViewSet):
    """Where claims come from: articles, statements, resolutions."""

    queryset = Source.objects.all()
    read_queryset = Source.objects.only(*columns_for(Source))
    serializer_class = SourceSerializer
    filterset_class = SourceFilterSet
    declaration = SOURCE

    def perform_destroy(self, instance: Source) -> None:
        citing = instance.citing_records()
        if citing:
            shown = "; ".join(f"{record._meta.verbose_name} {record}" for record in citing[:5])
            raise ProtectedRecord(
                f"This source is still cited by {shown}. Remove those citations first."
            )
        instance.delete()


class ConflictViewSet(HistoryMixin, TrackerViewSet):
    """Long-running disputes that events belong to."""

    queryset = Conflict.objects.prefetch_related("parties", "sources")
    read_queryset = Conflict.objects.only(*columns_for(Conflict)).prefetch_related(
        briefs_of("parties", ActorBriefSerializer),
        cited_sources(),
    )
    serializer_class = ConflictSerializer
    filterset_class = ConflictFilterSet
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    declaration = CONFLICT


@counts_schema("Events", "period=year&by=kind&conflict=russia-ukraine-war", EventFilterSet)
# A null item of related_events is an error of the item itself, not of a field in it.
@extend_validation_errors(
    ["null"], field_name="related_events.INDEX", actions=["create", "update", "partial_update"]
)
class EventViewSet(CountsMixin, HistoryMixin, TrackerViewSet):
    """Things that happened: strikes, calls, summits, ceasefires."""

    queryset = Event.objects.select_related("conflict", "initiator", "target").prefetch_related(
        "participants",
        "sources",
        # In the order they were recorded: the model has no order of its own.
        Prefetch(
            "relations", queryset=EventRelation.objects.select_related("to_event").order_by("id")
        ),
    )
    read_queryset = (
        Event.objects.select_related("conflict", "initiator", "target")
        .only(
            *columns_for(
                Event,
                conflict=ConflictBriefSerializer,
                initiator=ActorBriefSerializer,
                target=ActorBriefSerializer,
            )
        )
        .prefetch_related(
            briefs_of("participants", ActorBriefSerializer),
            cited_sources(),
            Prefetch(
                "relations",
                queryset=EventRelation.objects.select_related("to_event")
                .only(*columns_for(EventRelation, to_event=EventBriefSerializer))
                .order_by("id"),
            ),
        )
    )
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    declaration = EVENT
    # The browsable API links a record to its page for analysts (the pages app).
    page_url_name = "pages:event"
    sparse_relations = frozenset({"participants", "related_events"})

    def get_queryset(self) -> QuerySet[Event]:
        if self.action == "responses":
            # The report loads positions and measures itself; the event's own
            # relations would be prefetched for nothing.
            return Event.objects.all()
        return super().get_queryset()

    @extend_schema(
        summary="Who said and threatened what about an event",
        responses=EventResponsesReportSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def responses(self, request: Request, slug: str | None = None) -> Response:
        event = self.get_object()

        report = {"event": event, "responses": responses_by_actor(event)}
        return Response(EventResponsesReportSerializer(report, context={"request": request}).data)


@counts_schema("Positions", "actor=european-union&period=month&by=stance", PositionFilterSet)
class PositionViewSet(CountsMixin, HistoryMixin, TrackerViewSet):
    """What an actor stated about an event or another actor."""

    queryset = Position.objects.select_related(
        "actor", "speaker", "event", "target"
    ).prefetch_related("sources")
    read_queryset = (
        Position.objects.select_related("actor", "speaker", "event", "target")
        .only(
            *columns_for(
                Position,
                actor=ActorBriefSerializer,
                speaker=ActorBriefSerializer,
                event=EventBriefSerializer,
                target=ActorBriefSerializer,
            )
        )
        .prefetch_related(cited_sources())
    )
    serializer_class = PositionSerializer
    filterset_class = PositionFilterSet
    declaration = POSITION


class CanChangeMeasure(permissions.DjangoModelPermissions):
    """A transition changes a measure, whatever the HTTP verb says."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "POST": ["%(app_label)s.change_%(model_name)s"],
    }


# The lifecycle's refusals (responses.lifecycle), so clients know the codes.
@extend_validation_errors(["illegal_transition"], field_name="to", actions=["transitions"])
@extend_validation_errors(
    ["before_previous_change", "before_effective"], field_name="on", actions=["transitions"]
)
@counts_schema("Measures", "actor_kind=state&period=quarter&by=status", MeasureFilterSet)
class MeasureViewSet(CountsMixin, HistoryMixin, TrackerViewSet):
    """Sanctions, aid and other steps an actor threatens, proposes or takes."""

    queryset = Measure.objects.select_related(
        "actor", "target", "event", "position"
    ).prefetch_related("sources")
    read_queryset = (
        Measure.objects.select_related("actor", "target", "event", "position")
        .only(
            *columns_for(
                Measure,
                actor=ActorBriefSerializer,
                target=ActorBriefSerializer,
                event=EventBriefSerializer,
                position=PositionBriefSerializer,
            )
        )
        .prefetch_related(cited_sources())
    )
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    declaration = MEASURE

    def get_serializer_class(self) -> Any:
        if self.action == "transitions":
            return TransitionSerializer
        return super().get_serializer_class()

    @extend_schema(
        summary="Move a measure to another status",
        request=TransitionSerializer,
        responses={status.HTTP_201_CREATED: StatusChangeSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanChangeMeasure],
        filterset_class=None,
    )
    @idempotent
    @transaction.atomic
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        measure = self.get_object()
        self.check_if_match(request, measure)
        serializer = TransitionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            change = transition_measure(
                measure,
                to=serializer.validated_data["to"],
                on=serializer.validated_data.get("on"),
                source=serializer.validated_data["source"],
                note=serializer.validated_data["note"],
                user=request.user,
                expected=serializer.validated_data.get("expected"),
            )
        except StatusChanged as exc:
            raise ConflictError(str(exc)) from exc
        data = StatusChangeSerializer(change, context={"request": request}).data
        # str(): the url is a Hyperlink, and WSGI servers such as runserver's
        # refuse any header value that is not exactly a str.
        location = str(data["url"])
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class StatusChangeViewSet(TrackerReadOnlyViewSet):
    """The recorded history of measure statuses; created by transitions only."""

    queryset = MeasureStatusChange.objects.select_related("measure", "source")
    read_queryset = MeasureStatusChange.objects.select_related("measure", "source").only(
        *columns_for(
            MeasureStatusChange, measure=MeasureBriefSerializer, source=SourceBriefSerializer
        )
    )
    # Nothing here writes, so a write is a 405 for everyone rather than a 403.
    permission_classes = [permissions.AllowAny]
    serializer_class = StatusChangeSerializer
    filterset_class = StatusChangeFilterSet
    declaration = STATUS_CHANGE
