"""The timeline endpoints: an actor's and a conflict's records, merged in date order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from actors.api.serializers import ActorBriefSerializer
from actors.models import Actor
from responses.models import Conflict, Event
from responses.timelines import (
    Timeline,
    TimelineFilters,
    TimelineItem,
    TimelineType,
    actor_timeline,
    conflict_timeline,
    timeline_items,
)
from tracker.api.pagination import LimitOffsetPagination
from tracker.choices import DatePrecision


class TimelineQuerySerializer(serializers.Serializer):
    """The query parameters a timeline accepts."""

    type = serializers.MultipleChoiceField(
        choices=TimelineType.choices,
        required=False,
        help_text="Only items of these types (repeat the parameter for several); all by default.",
    )
    after = serializers.DateField(
        required=False,
        help_text="Only items dated on or after this date; undated items are left out.",
    )
    before = serializers.DateField(
        required=False,
        help_text="Only items dated on or before this date; undated items are left out.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        after, before = attrs.get("after"), attrs.get("before")
        if after is not None and before is not None and after > before:
            raise serializers.ValidationError({"before": "Must be on or after the date in after."})
        return attrs

    def filters(self) -> TimelineFilters:
        data = self.validated_data
        return TimelineFilters(
            types=data.get("type") or TimelineType.values,
            after=data.get("after"),
            before=data.get("before"),
        )


class TimelineItemSerializer(serializers.Serializer):
    """An event, position, measure or status change on a timeline."""

    type = serializers.ChoiceField(choices=TimelineType.choices, help_text="What the item is.")
    id = serializers.IntegerField(help_text="The record's id (events also have a slug).")
    date = serializers.DateField(
        allow_null=True,
        help_text=(
            "When it happened: an event's occurred_on, a position's stated_on, a measure's "
            "announced_on, a status change's changed_on; null when sources give no date."
        ),
    )
    date_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        allow_blank=True,
        help_text=(
            "How precise the date is: day, month or year (always day for measures and "
            "status changes); empty when undated."
        ),
    )
    undated = serializers.BooleanField(
        help_text="True when the item has no date; undated items come last."
    )
    title = serializers.CharField(help_text="A one-line label for the item.")
    url = serializers.SerializerMethodField(help_text="The item's own address in the API.")
    actor = ActorBriefSerializer(
        allow_null=True,
        help_text=(
            "Who acted: an event's initiator (null when none is recorded), the actor of a "
            "position or measure, the measure's actor for a status change."
        ),
    )

    @extend_schema_field(serializers.URLField())
    def get_url(self, item: TimelineItem) -> str:
        record = item.record
        # An event's get_absolute_url() is its page for people; the timeline links the API.
        path = (
            reverse("api:event-detail", kwargs={"slug": record.slug})
            if isinstance(record, Event)
            else record.get_absolute_url()
        )
        return self.context["request"].build_absolute_uri(path)


TIMELINE_ORDER = (
    "Items are ordered by date, oldest first, with undated items last; items of one date "
    "(or all undated) are ordered event, position, measure, status change, then by id. "
    "The date is an event's occurred_on, a position's stated_on, a measure's announced_on "
    "and a status change's changed_on."
)
# The validation errors each query parameter can produce, for the schema's 400.
QUERY_ERROR_CODES = {
    "type": ["invalid_choice"],
    "after": ["invalid"],
    "before": ["invalid"],
    "limit": ["invalid"],
    "offset": ["invalid"],
}


class TimelinePagination(LimitOffsetPagination):
    """Pages of a timeline's rows, counted kind by kind (``Timeline.count``)."""

    # Each kind, in each role, reads up to the end of the page asked for:
    # further back, a date bound (before, after) says where to start.
    max_offset = 10_000
    max_offset_advice = ": narrow the timeline with before or after instead"

    def paginate_timeline(self, timeline: Timeline, request: Request, view: Any) -> list[Any]:
        self.timeline = timeline
        # The rows a page can come from: up to its end, and one more for "next".
        end = self.get_offset(request) + self.get_limit(request) + 1
        page = self.paginate_queryset(timeline.rows_up_to(end), request, view)
        assert page is not None, "timelines are always paginated"
        return page

    def get_count(self, queryset: Any) -> int:
        return self.timeline.count()


class TimelineView(generics.GenericAPIView):
    """A paginated timeline of the record named by the slug in the URL."""

    serializer_class = TimelineItemSerializer
    pagination_class = TimelinePagination
    lookup_field = "slug"
    # The query parameters are read by TimelineQuerySerializer, not by a FilterSet.
    filter_backends: list[Any] = []

    def rows(self, subject: Any, filters: TimelineFilters) -> Timeline:
        raise NotImplementedError

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        subject = self.get_object()
        query = TimelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = self.paginator
        assert isinstance(paginator, TimelinePagination)
        page = paginator.paginate_timeline(self.rows(subject, query.filters()), request, self)
        data = self.get_serializer(timeline_items(page), many=True).data
        return self.get_paginated_response(data)


def timeline_schema(
    *, operation_id: str, summary: str, description: str, subject: str, example: str
) -> Callable[[type[TimelineView]], type[TimelineView]]:
    """Documents a timeline view: its parameters, its paginated items and its 400s."""
    schema = extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=f"{description} {TIMELINE_ORDER}",
            parameters=[
                OpenApiParameter(
                    "slug",
                    OpenApiTypes.STR,
                    OpenApiParameter.PATH,
                    description=f"Slug of the {subject}, such as {example}.",
                ),
                TimelineQuerySerializer,
            ],
            responses=TimelineItemSerializer(many=True),
        )
    )

    def decorate(view: type[TimelineView]) -> type[TimelineView]:
        view = schema(view)
        for field_name, codes in QUERY_ERROR_CODES.items():
            view = extend_validation_errors(codes, field_name=field_name, methods=["get"])(view)
        return view

    return decorate


@timeline_schema(
    operation_id="actors_timeline_list",
    summary="What an actor did, said and was the target of, in date order",
    description=(
        "The events the actor initiated, was targeted by or took part in; the positions it "
        "took or that target it; the measures it took or that target it; and the status "
        "changes of those measures."
    ),
    subject="actor",
    example="european-union",
)
class ActorTimelineView(TimelineView):
    queryset = Actor.objects.all()

    def rows(self, subject: Actor, filters: TimelineFilters) -> Timeline:
        return actor_timeline(subject, filters)


@timeline_schema(
    operation_id="conflicts_timeline_list",
    summary="A conflict's events and the responses to them, in date order",
    description=(
        "The conflict's events, the positions taken on them, the measures they prompted and "
        "the status changes of those measures."
    ),
    subject="conflict",
    example="russia-ukraine",
)
class ConflictTimelineView(TimelineView):
    queryset = Conflict.objects.all()

    def rows(self, subject: Conflict, filters: TimelineFilters) -> Timeline:
        return conflict_timeline(subject, filters)
