"""Positions and measures: what actors said and threatened."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, cast

from bulkload.fields import UNSET, NeedsFlush, RowValues
from bulkload.index import Index, MeasureKey, PositionKey
from bulkload.records.base import Pending, RecordType, sources_of
from responses.declarations import MEASURE, POSITION
from responses.models import Measure, Position
from tracker.declarations import plain


class PositionRecord(RecordType):
    name = "position"
    model = Position
    links = (sources_of(Position),)
    declaration = POSITION
    reads = ("actor", "speaker", "event", "target", "stance", "stated_on", "sources")
    FIELDS = plain(POSITION, besides=reads)

    def read(self, values: RowValues, line: int) -> Pending | None:
        actor = values.actor("actor", required=True)
        event_id = values.event("event")
        target = values.actor("target")
        stance = values.value(Position, "stance")
        stated_on = values.date(Position, "stated_on")
        found = values.values(Position, self.FIELDS)
        speaker = values.actor("speaker")
        if speaker is not UNSET:
            found["speaker"] = speaker
        event_id = None if event_id is UNSET else event_id
        target = None if target is UNSET else target
        stance = "" if stance is UNSET else stance
        key = (
            actor.pk if actor is not UNSET else None,
            event_id,
            target.pk if target is not None else None,
            stance,
            stated_on,
        )
        existing = self.existing(values, values.index.positions.get(key), "positions")  # type: ignore[arg-type]
        sources = values.sources(required=existing is None and values.match_id is None)
        values.refuse_the_rest()
        if values.errors:
            return None
        return Pending(
            line,
            self,
            key,
            existing,
            {
                "actor": actor,
                "event_id": event_id,
                "target": target,
                "stance": stance,
                "stated_on": stated_on,
                **found,
            },
            {"sources": sources} if sources is not UNSET else {},
        )

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        actor_id, event_id, _, stance, _ = cast(PositionKey, pending.key)
        return [("position", (actor_id, event_id, stance))]

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.remember_position(cast(PositionKey, pending.key), instance.pk)


class MeasureRecord(RecordType):
    name = "measure"
    model = Measure
    links = (sources_of(Measure),)
    declaration = MEASURE
    reads = ("actor", "target", "kind", "event", "announced_on", "position", "sources")
    FIELDS = plain(MEASURE, besides=reads)

    def read(self, values: RowValues, line: int) -> Pending | None:
        actor = values.actor("actor", required=True)
        target = values.actor("target", required=True)
        kind = values.value(Measure, "kind")
        event_id = values.event("event")
        announced_on = values.date(Measure, "announced_on")
        found = values.values(Measure, self.FIELDS)
        event_id = None if event_id is UNSET else event_id
        kind = "" if kind is UNSET else kind
        if actor is not UNSET:
            position = self.announcing_position(values, actor.pk, event_id)
            if position is not UNSET:
                found["position"] = position
        key = (
            actor.pk if actor is not UNSET else None,
            target.pk if target is not UNSET else None,
            kind,
            event_id,
            announced_on,
        )
        if values.given("position"):
            if "position" in found:
                values.error("position", "Give position or announced_in, not both.")
            else:
                found["position"] = self.position_by_id(values, values.take("position"))
        existing = self.existing(values, values.index.measures.get(key), "measures")  # type: ignore[arg-type]
        sources = values.sources(required=existing is None and values.match_id is None)
        values.refuse_the_rest()
        if values.errors:
            return None
        return Pending(
            line,
            self,
            key,
            existing,
            {
                "actor": actor,
                "target": target,
                "kind": kind,
                "event_id": event_id,
                "announced_on": announced_on,
                **found,
            },
            {"sources": sources} if sources is not UNSET else {},
        )

    @staticmethod
    def announcing_position(values: RowValues, actor_id: int, event_id: int | None) -> Any:
        """``announced_in``: the stance of the actor's position about the measure's
        event, or an object narrowing it down (stance, and event, target, stated_on)."""
        raw = values.take("announced_in")
        if raw is UNSET:
            return UNSET
        if raw is None or raw == "":
            return None
        narrow: dict[str, Any] = {}
        if isinstance(raw, dict):
            values.data.update({f"announced_in.{name}": value for name, value in raw.items()})
            stance = values.text("announced_in.stance", required=True)
            if values.given("announced_in.event"):
                event_id = values.event("announced_in.event")
            if values.given("announced_in.target"):
                target = values.actor("announced_in.target")
                if target is not UNSET:
                    narrow["target"] = target.pk if target is not None else None
            if values.given("announced_in.stated_on"):
                narrow["stated_on"] = values.date(
                    Position, "announced_in.stated_on", field_name="stated_on"
                )
        elif isinstance(raw, str):
            stance = raw.strip()
        else:
            values.error("announced_in", "Give the stance of the announcing position.")
            return UNSET
        if values.errors:
            return UNSET
        index = values.index
        keys = [
            key
            for key in index.positions_by_statement.get((actor_id, event_id, stance), {})
            if narrow.get("target", key[2]) == key[2] and narrow.get("stated_on", key[4]) == key[4]
        ]
        if len(keys) == 1 and len(index.positions[keys[0]]) == 1:
            return _known_position(index, index.positions[keys[0]][0], actor_id)
        if not keys and ("position", (actor_id, event_id, stance)) in values.waiting:
            raise NeedsFlush
        values.error(
            "announced_in",
            f"The actor has no {stance} position about this event."
            if not keys
            else f"The actor has several {stance} positions about this event; "
            "give target and stated_on to choose one.",
        )
        return UNSET

    @staticmethod
    def position_by_id(values: RowValues, raw: Any) -> Any:
        """``position``: the announcing position's id, as the API gives it."""
        if raw is None or raw == "":
            return None
        pk = values.record_id("position", raw)
        actor_id = values.index.position_actors.get(pk) if pk is not None else None
        if actor_id is None:
            if pk is not None:
                values.error("position", f"There is no position with id {pk}.")
            return UNSET
        return _known_position(values.index, pk, actor_id)

    def check(self, pending: Pending, instance: Any, before: dict[str, Any] | None) -> Any:
        if before is not None and instance.status != before["status"]:
            # The same rule as the API: a status moves only through a transition,
            # which records the change with its date and source.
            return {
                "status": [
                    "The status changes only through a transition (POST "
                    "/api/v1/measures/{id}/transitions/), which records its date and source."
                ]
            }
        return {}

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        found = index.measures[cast(MeasureKey, pending.key)]
        if instance.pk not in found:
            found.append(instance.pk)


def _known_position(index: Index, pk: int, actor_id: int) -> Position:
    """A stored position, as a light instance: the measure's rules read its actor."""
    position = Position(pk=pk, actor_id=actor_id)
    position._state.adding = False
    position._state.db = index.using
    return position
