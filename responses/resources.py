"""Admin import and export of sources, events, positions and measures.

Actors, conflicts and events are named by slug, sources by id; events are
matched on their slug, the other records on their id (leave it empty to
create a record).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from import_export import fields, widgets

from actors.models import Actor
from responses.models import Conflict, Event, Measure, Position, Source
from tracker.imports import SEPARATOR, ListWidget, ValidatedResource


def by_slug(model: type[Model], attribute: str, column: str) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=column, widget=widgets.ForeignKeyWidget(model, "slug")
    )


def cited_sources() -> fields.Field:
    return fields.Field(
        attribute="sources",
        column_name="source_ids",
        widget=widgets.ManyToManyWidget(Source, separator=SEPARATOR, field="pk"),
    )


class SourceResource(ValidatedResource):
    link = fields.Field(attribute="url", column_name="link")

    class Meta(ValidatedResource.Meta):
        model = Source
        fields = ("id", "kind", "title", "publisher", "link", "published_on", "language", "excerpt")
        export_order = fields


class EventResource(ValidatedResource):
    conflict = by_slug(Conflict, "conflict", "conflict_slug")
    initiator = by_slug(Actor, "initiator", "initiator_slug")
    target = by_slug(Actor, "target", "target_slug")
    participants = fields.Field(
        attribute="participants",
        column_name="participant_slugs",
        widget=widgets.ManyToManyWidget(Actor, separator=SEPARATOR, field="slug"),
    )
    impacts = fields.Field(attribute="impacts", column_name="impacts", widget=ListWidget())
    sources = cited_sources()
    required_many = ("sources",)

    class Meta(ValidatedResource.Meta):
        model = Event
        import_id_fields = ("slug",)
        fields = (
            "slug",
            "title",
            "kind",
            "conflict",
            "occurred_on",
            "occurred_on_precision",
            "location",
            "country",
            "initiator",
            "target",
            "participants",
            "summary",
            "impacts",
            "fatalities",
            "injuries",
            "sources",
        )
        export_order = fields


class PositionResource(ValidatedResource):
    actor = by_slug(Actor, "actor", "actor_slug")
    speaker = by_slug(Actor, "speaker", "speaker_slug")
    event = by_slug(Event, "event", "event_slug")
    target = by_slug(Actor, "target", "target_slug")
    sources = cited_sources()
    required_many = ("sources",)

    class Meta(ValidatedResource.Meta):
        model = Position
        fields = (
            "id",
            "actor",
            "speaker",
            "event",
            "target",
            "stance",
            "cameo_code",
            "stated_on",
            "stated_on_precision",
            "summary",
            "quote",
            "language",
            "sources",
        )
        export_order = fields


class MeasureResource(ValidatedResource):
    actor = by_slug(Actor, "actor", "actor_slug")
    target = by_slug(Actor, "target", "target_slug")
    event = by_slug(Event, "event", "event_slug")
    position = fields.Field(
        attribute="position",
        column_name="position_id",
        widget=widgets.ForeignKeyWidget(Position),
    )
    sources = cited_sources()
    required_many = ("sources",)

    class Meta(ValidatedResource.Meta):
        model = Measure
        fields = (
            "id",
            "actor",
            "target",
            "kind",
            "status",
            "condition",
            "deadline",
            "announced_on",
            "effective_on",
            "ended_on",
            "amount",
            "currency",
            "event",
            "position",
            "description",
            "sources",
        )
        export_order = fields

    def import_instance(self, instance: Model, row: Any, **kwargs: Any) -> None:
        recorded_status = getattr(instance, "status", None) if instance.pk else None
        super().import_instance(instance, row, **kwargs)
        if recorded_status is not None and instance.status != recorded_status:  # type: ignore[attr-defined]
            raise ValidationError(
                {
                    "status": "A recorded measure changes status only through a transition "
                    "(with its date and source), not by import."
                }
            )
