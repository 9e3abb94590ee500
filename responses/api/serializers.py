from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.api.serializers import ActorBriefSerializer, actor_field
from responses.api.briefs import (
    ConflictBriefSerializer,
    EventBriefSerializer,
    MeasureBriefSerializer,
    PositionBriefSerializer,
    SourceBriefSerializer,
    event_field,
    source_field,
    sources_field,
)
from responses.choices import MeasureStatus
from responses.declarations import CONFLICT, EVENT, MEASURE, POSITION, SOURCE, STATUS_CHANGE
from responses.lifecycle import allowed_moves
from responses.models import (
    Conflict,
    Event,
    EventRelation,
    Measure,
    MeasureStatusChange,
    Position,
    Source,
)
from responses.models.events import validate_impacts
from tracker.api.fields import (
    BoundedListField,
    BoundedListSerializer,
    BriefRelatedField,
    IdentityField,
)
from tracker.api.serializers import (
    TEXT_MAX_LENGTH,
    StrictFieldsMixin,
    ValidatedModelSerializer,
    date_in_range,
)
from tracker.declarations import api_fields
from tracker.limits import MAX_ACTORS, MAX_IMPACTS, MAX_RELATED_EVENTS


class SourceSerializer(ValidatedModelSerializer):
    """Where a claim comes from: an article, a statement, a resolution."""

    url = IdentityField(view_name="api:source-detail")
    # "url" is this record's own address in the API, so the document's is "link".
    link = serializers.URLField(
        source="url",
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Where the document can be read; empty when there is no address.",
    )

    class Meta:
        model = Source
        fields = api_fields(SOURCE)


class ConflictSerializer(ValidatedModelSerializer):
    """A long-running dispute between parties, which events belong to."""

    url = IdentityField(view_name="api:conflict-detail", lookup_field="slug")
    parties = actor_field(
        many=True, required=False, max_length=MAX_ACTORS, help_text="Slugs of the parties."
    )
    sources = sources_field(required=False)

    class Meta:
        model = Conflict
        fields = api_fields(CONFLICT)


class EventRelationSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A link from an event to one it follows or responds to."""

    event = event_field(source="to_event", help_text="Slug of the related event.")

    class Meta:
        model = EventRelation
        fields = ["relation", "event"]
        list_serializer_class = BoundedListSerializer


class EventSerializer(ValidatedModelSerializer):
    """Something that happened at a place and time: a strike, a call, a summit."""

    url = IdentityField(view_name="api:event-detail", lookup_field="slug")
    conflict = BriefRelatedField(
        brief=ConflictBriefSerializer,
        required=False,
        allow_null=True,
    )
    initiator = actor_field(required=False, allow_null=True)
    target = actor_field(required=False, allow_null=True)
    participants = actor_field(
        many=True,
        required=False,
        max_length=MAX_ACTORS,
        help_text="Slugs of the participants.",
    )
    impacts = BoundedListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=MAX_IMPACTS,
        # The model's own rule (known impacts, each once), as the generated field had it.
        validators=[validate_impacts],
    )
    # The stubs do not know that many=True passes max_length to the list serializer.
    related_events = EventRelationSerializer(  # type: ignore[call-arg]
        source="relations",
        many=True,
        required=False,
        max_length=MAX_RELATED_EVENTS,
        help_text="Events this one follows or responds to.",
    )
    sources = sources_field()

    class Meta:
        model = Event
        fields = api_fields(EVENT)

    def validate_related_events(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        pairs = [(item["to_event"].pk, item["relation"]) for item in value]
        if len(set(pairs)) != len(pairs):
            raise serializers.ValidationError("Each related event and relation is listed once.")
        if self.instance is not None and any(pk == self.instance.pk for pk, _ in pairs):
            raise serializers.ValidationError("An event cannot be related to itself.")
        return value

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Event:
        relations = validated_data.pop("relations", [])
        event = super().create(validated_data)
        self._save_relations(event, relations)
        return event

    @transaction.atomic
    def update(self, instance: Event, validated_data: dict[str, Any]) -> Event:
        relations = validated_data.pop("relations", None)
        event = super().update(instance, validated_data)
        if relations is not None:
            event.relations.all().delete()
            self._save_relations(event, relations)
        return event

    @staticmethod
    def _save_relations(event: Event, relations: list[dict[str, Any]]) -> None:
        EventRelation.objects.bulk_create(
            EventRelation(from_event=event, to_event=item["to_event"], relation=item["relation"])
            for item in relations
        )
        # The response shows every related event: two queries, not one per relation.
        prefetch_related_objects(
            [event],
            Prefetch(
                "relations",
                queryset=EventRelation.objects.select_related("to_event").order_by("id"),
            ),
        )


class PositionSerializer(ValidatedModelSerializer):
    """What one actor stated about an event or another actor, with its sources."""

    url = IdentityField(view_name="api:position-detail")
    actor = actor_field()
    speaker = actor_field(required=False, allow_null=True)
    event = event_field(required=False, allow_null=True)
    target = actor_field(required=False, allow_null=True)
    sources = sources_field()

    class Meta:
        model = Position
        fields = api_fields(POSITION)


class MeasureSerializer(ValidatedModelSerializer):
    """A step an actor threatens, proposes or takes against or for another actor."""

    url = IdentityField(view_name="api:measure-detail")
    actor = actor_field()
    target = actor_field()
    event = event_field(required=False, allow_null=True)
    position = BriefRelatedField(
        brief=PositionBriefSerializer,
        lookup_field="pk",
        required=False,
        allow_null=True,
    )
    sources = sources_field()
    allowed_transitions = serializers.SerializerMethodField(
        help_text="The statuses this measure can move to next, through its transitions endpoint."
    )

    class Meta:
        model = Measure
        fields = api_fields(MEASURE)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(MeasureStatus.choices))
    )
    def get_allowed_transitions(self, measure: Measure) -> list[str]:
        return list(allowed_moves(measure.status))

    def validate_status(self, value: str) -> str:
        if self.instance is not None and value != self.instance.status:
            raise serializers.ValidationError(
                "The status changes only through POST .../transitions/, which records "
                "the change with its date and source."
            )
        return value


class StatusChangeSerializer(serializers.ModelSerializer):
    """One recorded move of a measure's status, with its date and source."""

    url = IdentityField(view_name="api:status-change-detail")
    measure = BriefRelatedField(brief=MeasureBriefSerializer, lookup_field="pk", read_only=True)
    source = BriefRelatedField(  # type: ignore[assignment]
        brief=SourceBriefSerializer, lookup_field="pk", read_only=True
    )

    class Meta:
        model = MeasureStatusChange
        fields = api_fields(STATUS_CHANGE)
        read_only_fields = fields


class TransitionSerializer(StrictFieldsMixin, serializers.Serializer):
    """A request to move a measure to another status."""

    to = serializers.ChoiceField(choices=MeasureStatus.choices, help_text="The new status.")
    expected = serializers.ChoiceField(
        choices=MeasureStatus.choices,
        required=False,
        help_text=(
            "The status you believe the measure is in. If someone moved it meanwhile, "
            "the transition is refused with a 409 instead of being applied to a status "
            "you did not see."
        ),
    )
    on = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[date_in_range],
        help_text="When the change happened; leave out when the source gives no date.",
    )
    source = source_field(help_text="Id of the source that reports the change.")  # type: ignore[assignment]
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        default="",
        help_text="Anything a curator should know about the change.",
    )


class EventResponsesSerializer(serializers.Serializer):
    """Everything one actor said and threatened about an event."""

    actor = ActorBriefSerializer(read_only=True)
    positions = PositionSerializer(many=True, read_only=True)
    measures = MeasureSerializer(many=True, read_only=True)


class EventResponsesReportSerializer(serializers.Serializer):
    event = EventBriefSerializer(read_only=True)
    responses = EventResponsesSerializer(many=True, read_only=True)
