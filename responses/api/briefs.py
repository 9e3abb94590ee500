"""How each record looks when nested in another one, and the relations that show it.

NetBox's "brief" representations: kept in one place so every resource nests
a record the same way.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from responses.models import Conflict, Event, Measure, Position, Source
from tracker.api.fields import BriefRelatedField, IdentityField
from tracker.api.serializers import BriefSerializer, nested
from tracker.choices import DatePrecision
from tracker.limits import MAX_SOURCES


class SourceBriefSerializer(BriefSerializer):
    """A source as it appears inside other records."""

    url = IdentityField(view_name="api:source-detail")

    class Meta:
        model = Source
        fields = ["url", "id", "kind", "title", "publisher"]
        read_only_fields = fields

    def to_representation(self, instance: Source) -> dict[str, Any]:
        # Hot (every record cites sources): the declared fields' JSON, built directly.
        if type(self) is not SourceBriefSerializer:  # a subclass may declare other fields
            return super().to_representation(instance)
        return {
            "url": self.fields["url"].to_representation(instance),
            "id": instance.id,
            "kind": instance.kind,
            "title": instance.title,
            "publisher": instance.publisher,
        }


class ConflictBriefSerializer(BriefSerializer):
    """A conflict as it appears inside other records."""

    url = IdentityField(view_name="api:conflict-detail", lookup_field="slug")

    class Meta:
        model = Conflict
        fields = ["url", "slug", "name"]
        read_only_fields = fields

    def to_representation(self, instance: Conflict) -> dict[str, Any]:
        # Hot (every event shows it): the declared fields' JSON, built directly.
        if type(self) is not ConflictBriefSerializer:  # a subclass may declare other fields
            return super().to_representation(instance)
        return {
            "url": self.fields["url"].to_representation(instance),
            "slug": instance.slug,
            "name": instance.name,
        }


class EventBriefSerializer(BriefSerializer):
    """An event as it appears inside other records."""

    url = IdentityField(view_name="api:event-detail", lookup_field="slug")
    # Declared because DRF drops allow_blank from read-only fields, and the
    # schema would then promise day, month or year where an undated event has "".
    occurred_on_precision = serializers.ChoiceField(
        choices=DatePrecision.choices,
        allow_blank=True,
        read_only=True,
        help_text=Event._meta.get_field("occurred_on_precision").help_text,
    )

    class Meta:
        model = Event
        fields = ["url", "slug", "title", "kind", "occurred_on", "occurred_on_precision"]
        read_only_fields = fields
        # Blank when the date is unknown: the schema must say so, as it does on Event.
        extra_kwargs = {"occurred_on_precision": {"allow_blank": True}}

    def to_representation(self, instance: Event) -> dict[str, Any]:
        # Hot (positions and measures show it): the declared fields' JSON, built directly.
        if type(self) is not EventBriefSerializer:  # a subclass may declare other fields
            return super().to_representation(instance)
        return {
            "url": self.fields["url"].to_representation(instance),
            "slug": instance.slug,
            "title": instance.title,
            "kind": instance.kind,
            "occurred_on": nested(self.fields["occurred_on"], instance.occurred_on),
            "occurred_on_precision": instance.occurred_on_precision,
        }


class PositionBriefSerializer(BriefSerializer):
    """A position as it appears inside other records."""

    url = IdentityField(view_name="api:position-detail")

    class Meta:
        model = Position
        fields = ["url", "id", "stance", "summary"]
        read_only_fields = fields

    def to_representation(self, instance: Position) -> dict[str, Any]:
        # Hot (a response matrix lists every position): the declared fields' JSON, built directly.
        if type(self) is not PositionBriefSerializer:  # a subclass may declare other fields
            return super().to_representation(instance)
        return {
            "url": self.fields["url"].to_representation(instance),
            "id": instance.id,
            "stance": instance.stance,
            "summary": instance.summary,
        }


class MeasureBriefSerializer(BriefSerializer):
    """A measure as it appears inside other records."""

    url = IdentityField(view_name="api:measure-detail")

    class Meta:
        model = Measure
        fields = ["url", "id", "kind", "status"]
        read_only_fields = fields


def source_field(**kwargs: Any) -> BriefRelatedField:
    return BriefRelatedField(brief=SourceBriefSerializer, lookup_field="pk", **kwargs)


def sources_field(*, required: bool = True) -> BriefRelatedField:
    """At least one source: every claim in the tracker is cited (``required``)."""
    return BriefRelatedField(
        brief=SourceBriefSerializer,
        lookup_field="pk",
        many=True,
        required=required,
        allow_empty=not required,
        max_length=MAX_SOURCES,
        help_text="Ids of the sources (at least one)." if required else "Ids of the sources.",
    )


def event_field(**kwargs: Any) -> BriefRelatedField:
    return BriefRelatedField(brief=EventBriefSerializer, **kwargs)
