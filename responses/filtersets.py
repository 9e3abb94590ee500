from __future__ import annotations

from django_filters import rest_framework as filters

from actors.choices import ActorKind
from actors.filtersets import actor_filter
from actors.models import Actor
from responses.choices import EventKind, MeasureKind, MeasureStatus, SourceKind, Stance
from responses.models import (
    Conflict,
    Event,
    Measure,
    MeasureStatusChange,
    Position,
    Source,
)
from tracker.api.dimensions import Choice, Related, periods
from tracker.api.facets import FacetsFilter
from tracker.api.filtersets import (
    BaseFilterSet,
    CountryFilter,
    IdFilter,
    OrderingFilter,
    SlugFilter,
    updated_since_filter,
)


def date_range(field_name: str, noun: str) -> tuple[filters.DateFilter, filters.DateFilter]:
    return (
        filters.DateFilter(
            field_name=field_name, lookup_expr="gte", help_text=f"{noun} on or after this date."
        ),
        filters.DateFilter(
            field_name=field_name, lookup_expr="lte", help_text=f"{noun} on or before this date."
        ),
    )


class SourceFilterSet(BaseFilterSet):
    kind = filters.MultipleChoiceFilter(choices=SourceKind.choices, help_text="Kind of source.")
    published_after, published_before = date_range("published_on", "Published")
    updated_since = updated_since_filter()
    ordering = OrderingFilter("published_on", "title", "updated_at", ranked=True)

    class Meta:
        model = Source
        fields = ["q", "kind", "published_after", "published_before", "updated_since", "ordering"]


class ConflictFilterSet(BaseFilterSet):
    party = actor_filter("parties", "Slug of an actor that is a party to the conflict.")
    started_after, started_before = date_range("started_on", "Started")
    updated_since = updated_since_filter()
    ordering = OrderingFilter("name", "started_on", "updated_at", ranked=True)

    class Meta:
        model = Conflict
        fields = ["q", "party", "started_after", "started_before", "updated_since", "ordering"]


class EventFilterSet(BaseFilterSet):
    kind = filters.MultipleChoiceFilter(choices=EventKind.choices, help_text="Kind of event.")
    conflict = SlugFilter("conflict", Conflict.objects.all(), "Slug of the conflict.")
    country = CountryFilter(field_name="country", help_text="ISO 3166-1 alpha-2 country code.")
    initiator = actor_filter("initiator", "Slug of the initiating actor.")
    target = actor_filter("target", "Slug of the targeted actor.")
    participant = actor_filter("participants", "Slug of a participating actor.")
    occurred_after, occurred_before = date_range("occurred_on", "Occurred")
    updated_since = updated_since_filter()
    ordering = OrderingFilter("occurred_on", "title", "updated_at", ranked=True)
    facets = FacetsFilter(
        Choice("kind", "kind", EventKind.choices),
        Related("conflict", "conflict", Conflict),
        Related("initiator", "initiator", Actor),
        Related("target", "target", Actor),
        Choice("country", "country", ()),
        *periods("occurred_on", "occurred_after", "occurred_before"),
        shown=("kind", "conflict", "initiator", "year"),
    )

    class Meta:
        model = Event
        fields = [
            "q",
            "kind",
            "conflict",
            "country",
            "initiator",
            "target",
            "participant",
            "occurred_after",
            "occurred_before",
            "updated_since",
            "ordering",
            "facets",
        ]


class PositionFilterSet(BaseFilterSet):
    actor = actor_filter("actor", "Slug of the actor that took the position.")
    actor_kind = filters.MultipleChoiceFilter(
        field_name="actor__kind", choices=ActorKind.choices, help_text="Kind of the actor."
    )
    country = CountryFilter(
        field_name="actor__country", help_text="ISO 3166-1 alpha-2 country code of the actor."
    )
    actor_member_of = actor_filter(
        "actor__memberships__organization",
        "Slug of an organization the actor belongs to (positions by NATO members, say).",
    )
    target = actor_filter("target", "Slug of the targeted actor.")
    event = SlugFilter("event", Event.objects.all(), "Slug of the event.")
    conflict = SlugFilter(
        "event__conflict", Conflict.objects.all(), "Slug of the conflict the event belongs to."
    )
    stance = filters.MultipleChoiceFilter(choices=Stance.choices, help_text="Stance taken.")
    cameo_code = filters.CharFilter(help_text="Exact CAMEO code, such as 0256.")
    stated_after, stated_before = date_range("stated_on", "Stated")
    updated_since = updated_since_filter()
    ordering = OrderingFilter("stated_on", "stance", "updated_at", ranked=True)
    facets = FacetsFilter(
        Choice("stance", "stance", Stance.choices),
        Choice("actor_kind", "actor__kind", ActorKind.choices),
        Related("actor", "actor", Actor),
        Related("conflict", "event__conflict", Conflict),
        Related("event", "event", Event, label="title"),
        Related("target", "target", Actor),
        *periods("stated_on", "stated_after", "stated_before"),
        shown=("stance", "actor_kind", "actor", "year"),
    )

    class Meta:
        model = Position
        fields = [
            "q",
            "actor",
            "actor_kind",
            "actor_member_of",
            "country",
            "target",
            "event",
            "conflict",
            "stance",
            "cameo_code",
            "stated_after",
            "stated_before",
            "updated_since",
            "ordering",
            "facets",
        ]


class MeasureFilterSet(BaseFilterSet):
    actor = actor_filter("actor", "Slug of the actor that threatens or takes the measure.")
    actor_kind = filters.MultipleChoiceFilter(
        field_name="actor__kind", choices=ActorKind.choices, help_text="Kind of the actor."
    )
    country = CountryFilter(
        field_name="actor__country", help_text="ISO 3166-1 alpha-2 country code of the actor."
    )
    actor_member_of = actor_filter(
        "actor__memberships__organization",
        "Slug of an organization the actor belongs to (measures by EU members, say).",
    )
    target = actor_filter("target", "Slug of the targeted actor.")
    event = SlugFilter("event", Event.objects.all(), "Slug of the event that prompted it.")
    conflict = SlugFilter(
        "event__conflict", Conflict.objects.all(), "Slug of the conflict the event belongs to."
    )
    kind = filters.MultipleChoiceFilter(choices=MeasureKind.choices, help_text="Kind of measure.")
    status = filters.MultipleChoiceFilter(
        choices=MeasureStatus.choices, help_text="Current status."
    )
    announced_after, announced_before = date_range("announced_on", "Announced")
    updated_since = updated_since_filter()
    ordering = OrderingFilter("announced_on", "status", "updated_at", ranked=True)
    facets = FacetsFilter(
        Choice("kind", "kind", MeasureKind.choices),
        Choice("status", "status", MeasureStatus.choices),
        Choice("actor_kind", "actor__kind", ActorKind.choices),
        Related("actor", "actor", Actor),
        Related("target", "target", Actor),
        Related("conflict", "event__conflict", Conflict),
        *periods("announced_on", "announced_after", "announced_before"),
        shown=("kind", "status", "actor", "year"),
    )

    class Meta:
        model = Measure
        fields = [
            "q",
            "actor",
            "actor_kind",
            "actor_member_of",
            "country",
            "target",
            "event",
            "conflict",
            "kind",
            "status",
            "announced_after",
            "announced_before",
            "updated_since",
            "ordering",
            "facets",
        ]


class StatusChangeFilterSet(BaseFilterSet):
    search_fields = ("note",)

    measure = IdFilter(field_name="measure", help_text="Id of the measure.")
    to_status = filters.MultipleChoiceFilter(
        choices=MeasureStatus.choices, help_text="Status moved to."
    )
    changed_after, changed_before = date_range("changed_on", "Changed")
    ordering = OrderingFilter("changed_on", "created_at", "updated_at")
    updated_since = updated_since_filter()

    class Meta:
        model = MeasureStatusChange
        fields = [
            "q",
            "measure",
            "to_status",
            "changed_after",
            "changed_before",
            "updated_since",
            "ordering",
        ]
