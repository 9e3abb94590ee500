"""Admin import and export of sources, conflicts, events, positions and measures.

The columns are the API's CSV columns (``responses.declarations``). Actors,
conflicts and events are named by slug, sources and positions by id;
conflicts and events are matched on their slug, the other records on their
id (leave it empty to create a record).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from responses.declarations import CONFLICT, EVENT, MEASURE, POSITION, SOURCE
from responses.models import Conflict, Event, Measure, Position, Source
from tracker.imports import ValidatedResource


class SourceResource(ValidatedResource):
    declaration = SOURCE

    class Meta(ValidatedResource.Meta):
        model = Source


class ConflictResource(ValidatedResource):
    declaration = CONFLICT

    class Meta(ValidatedResource.Meta):
        model = Conflict
        import_id_fields = ("slug",)


class EventResource(ValidatedResource):
    declaration = EVENT
    required_many = ("sources",)

    class Meta(ValidatedResource.Meta):
        model = Event
        import_id_fields = ("slug",)


class PositionResource(ValidatedResource):
    declaration = POSITION
    required_many = ("sources",)

    class Meta(ValidatedResource.Meta):
        model = Position


class MeasureResource(ValidatedResource):
    declaration = MEASURE
    required_many = ("sources",)

    class Meta(ValidatedResource.Meta):
        model = Measure

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
