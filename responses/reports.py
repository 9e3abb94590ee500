"""Read-side views of the data that span several models."""

from __future__ import annotations

from typing import Any

from responses.models import Event, Measure, Position


def responses_by_actor(event: Event) -> list[dict[str, Any]]:
    """Everything said and threatened about an event, grouped by actor.

    Two queries for positions and measures (plus their sources), whatever the
    number of actors; actors are ordered by name.
    """
    positions = (
        Position.objects.filter(event=event)
        .select_related("actor", "speaker", "event", "target")
        .prefetch_related("sources")
        .order_by("actor__name", "id")
    )
    measures = (
        Measure.objects.filter(event=event)
        .select_related("actor", "target", "event", "position")
        .prefetch_related("sources")
        .order_by("actor__name", "id")
    )
    groups: dict[int, dict[str, Any]] = {}
    for position in positions:
        group = groups.setdefault(
            position.actor_id, {"actor": position.actor, "positions": [], "measures": []}
        )
        group["positions"].append(position)
    for measure in measures:
        group = groups.setdefault(
            measure.actor_id, {"actor": measure.actor, "positions": [], "measures": []}
        )
        group["measures"].append(measure)
    return sorted(groups.values(), key=lambda group: (group["actor"].name, group["actor"].pk))
