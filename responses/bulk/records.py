"""The record types a file may hold, their natural keys and their relations.

Each type reads a row into a ``Pending`` record: its natural key, the id of
the existing record with that key (if any), the values to set and the links
to write. Nothing here touches the database; validation happens when the
batch is written (see ``writer``), against the existing rows fetched in bulk.

Natural keys (a row whose key matches an existing record updates it):

=========== ==========================================================
actor       slug
membership  member, organization, started_on
source      url; a source without URL: title and publisher
conflict    slug
event       slug
position    actor, event, target, stance, stated_on
measure     actor, target, kind, event, announced_on
=========== ==========================================================
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from django.db.models import Model

from actors.models import Actor, Membership
from responses.bulk.fields import UNSET, NeedsFlush, RowValues
from responses.bulk.index import Index, MeasureKey, PositionKey
from responses.bulk.sql import chunked
from responses.choices import EventRelationKind
from responses.models import (
    Conflict,
    ConflictParty,
    Event,
    EventParticipant,
    EventRelation,
    Measure,
    Position,
    Source,
)


@dataclass(frozen=True)
class Links:
    """A to-many relation, written as rows of its link table."""

    name: str  # the field in the file
    through: type[Model]
    parent: str  # the link table's column naming the record
    target: str  # its column naming the linked record
    extra: str = ""  # a column that is part of each link (how two events relate)

    def columns(self) -> tuple[str, ...]:
        return (self.target, self.extra) if self.extra else (self.target,)

    def current(self, ids: list[int], using: str) -> dict[int, frozenset[Any]]:
        """The links of these records, as the file would give them."""
        found: dict[int, set[Any]] = {}
        for some in chunked(ids):
            rows = (
                self.through._default_manager.using(using)
                .filter(**{f"{self.parent}__in": some})
                .values_list(self.parent, *self.columns())
            )
            for parent, *linked in rows:
                found.setdefault(parent, set()).add(tuple(linked) if self.extra else linked[0])
        return {pk: frozenset(links) for pk, links in found.items()}

    def delete(self, ids: list[int], using: str) -> None:
        """Remove the links of these records (before writing their new ones)."""
        for some in chunked(ids):
            self.through._default_manager.using(using).filter(
                **{f"{self.parent}__in": some}
            ).delete()

    def row_columns(self) -> tuple[str, ...]:
        return (self.parent, *self.columns())

    def rows(self, pk: int, links: Iterable[Any]) -> list[tuple[Any, ...]]:
        """Rows of the link table, in the order of ``row_columns``."""
        if self.extra:
            return [(pk, target, extra) for target, extra in sorted(links)]
        return [(pk, target) for target in sorted(links)]


def sources_of(model: type[Model]) -> Links:
    through = model._meta.get_field("sources").remote_field.through  # type: ignore[union-attr]
    return Links("sources", through, f"{model._meta.model_name}_id", "source_id")


@dataclass(eq=False)
class Pending:
    """A row that was read and resolved, waiting to be validated and written."""

    line: int
    record: RecordType
    key: Hashable
    existing_id: int | None
    # Model field name (or the attname of a relation given by id) -> value.
    values: dict[str, Any]
    links: dict[str, frozenset[Any]] = field(default_factory=dict)
    source_key: str = ""


class RecordType:
    name: ClassVar[str]
    model: ClassVar[type[Model]]
    links: ClassVar[tuple[Links, ...]] = ()

    def read(self, values: RowValues, line: int) -> Pending | None:
        """Resolve a row; None when it has errors (left in ``values.errors``)."""
        raise NotImplementedError

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        """How later rows of the batch may refer to this record before it has an id."""
        return []

    def check(self, pending: Pending, instance: Model, before: dict[str, Any] | None) -> Any:
        """Rules of this type beyond the model's validation; a dict of errors."""
        return {}

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        """Keep the index in step with what was written."""

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @staticmethod
    def existing(values: RowValues, found: list[int] | None, what: str) -> int | None:
        if not found:
            return None
        if len(found) > 1:
            values.error(
                "__all__",
                f"{len(found)} existing {what} have this natural key (ids "
                f"{', '.join(map(str, sorted(found)))}); tell them apart in the admin or the API.",
            )
        return found[0]


class ActorRecord(RecordType):
    name = "actor"
    model = Actor
    FIELDS = ("name", "short_name", "kind", "country", "aliases", "wikidata_id", "description")

    def read(self, values: RowValues, line: int) -> Pending | None:
        slug = values.text("slug", required=True)
        found = values.values(Actor, self.FIELDS)
        parent = values.actor("parent")
        if parent is not UNSET:
            found["parent"] = parent
        values.refuse_the_rest()
        if values.errors:
            return None
        existing = values.index.actors.get(slug)
        return Pending(line, self, slug, existing.pk if existing else None, {"slug": slug, **found})

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        return [("actor", pending.key)]

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.remember_actor(instance)


class MembershipRecord(RecordType):
    name = "membership"
    model = Membership

    def read(self, values: RowValues, line: int) -> Pending | None:
        member = values.actor("member", required=True)
        organization = values.actor("organization", required=True)
        started_on = values.date(Membership, "started_on")
        found = values.values(Membership, ("ended_on",))
        values.refuse_the_rest()
        if values.errors:
            return None
        key = (member.pk, organization.pk, started_on)
        return Pending(
            line,
            self,
            key,
            values.index.memberships.get(key),
            {"member": member, "organization": organization, "started_on": started_on, **found},
        )

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.memberships[pending.key] = instance.pk


class SourceRecord(RecordType):
    name = "source"
    model = Source
    FIELDS = ("kind", "title", "publisher", "url", "published_on", "language", "excerpt")

    def read(self, values: RowValues, line: int) -> Pending | None:
        index = values.index
        key_name = values.text("key")
        found = values.values(Source, self.FIELDS)
        values.refuse_the_rest()
        url = found.get("url") or ""
        if url:
            natural: Hashable = ("source-url", url)
            existing: int | None = index.sources_by_url.get(url)
        else:
            if not found.get("title"):
                values.error("title", "A source without URL is identified by its title.")
            title_key = (found.get("title") or "", found.get("publisher") or "")
            natural = ("source-title", title_key)
            existing = self.existing(values, index.sources_by_title.get(title_key), "sources")
        if key_name not in (UNSET, ""):
            if key_name.startswith(("http://", "https://")):
                values.error("key", "A key cannot start like a URL.")
            elif index.source_keys.get(key_name, existing) != existing:
                values.error("key", f"The key {key_name!r} already names another source.")
        if values.errors:
            return None
        return Pending(
            line,
            self,
            natural,
            existing,
            found,
            source_key=key_name if key_name is not UNSET else "",
        )

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        keys: list[tuple[str, Hashable]] = [pending.key]  # type: ignore[list-item]
        if pending.source_key:
            keys.append(("source-key", pending.source_key))
        return keys

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        old_title = (before["title"], before["publisher"]) if before and not before["url"] else None
        index.remember_source(instance, before["url"] if before else None, old_title)
        if pending.source_key:
            index.source_keys[pending.source_key] = instance.pk


class ConflictRecord(RecordType):
    name = "conflict"
    model = Conflict
    links = (
        Links("parties", ConflictParty, "conflict_id", "actor_id"),
        sources_of(Conflict),
    )
    FIELDS = ("name", "started_on", "started_on_precision", "summary")

    def read(self, values: RowValues, line: int) -> Pending | None:
        slug = values.text("slug", required=True)
        found = values.values(Conflict, self.FIELDS)
        links = {"parties": values.actors("parties"), "sources": values.sources(required=False)}
        values.refuse_the_rest()
        if values.errors:
            return None
        return Pending(
            line,
            self,
            slug,
            values.index.conflicts.get(slug),
            {"slug": slug, **found},
            {name: value for name, value in links.items() if value is not UNSET},
        )

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        return [("conflict", pending.key)]

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.conflicts[instance.slug] = instance.pk


class EventRecord(RecordType):
    name = "event"
    model = Event
    links = (
        Links("participants", EventParticipant, "event_id", "actor_id"),
        Links("related_events", EventRelation, "from_event_id", "to_event_id", "relation"),
        sources_of(Event),
    )
    FIELDS = (
        "title",
        "kind",
        "occurred_on",
        "occurred_on_precision",
        "location",
        "country",
        "summary",
        "impacts",
        "fatalities",
        "injuries",
    )

    def read(self, values: RowValues, line: int) -> Pending | None:
        slug = values.text("slug", required=True)
        existing = values.index.events.get(slug) if slug is not UNSET else None
        found = values.values(Event, self.FIELDS)
        for name, value in (
            ("conflict_id", values.conflict("conflict")),
            ("initiator", values.actor("initiator")),
            ("target", values.actor("target")),
        ):
            if value is not UNSET:
                found[name] = value
        links = {
            "participants": values.actors("participants"),
            "related_events": self.related_events(values, slug),
            "sources": values.sources(required=existing is None),
        }
        values.refuse_the_rest()
        if values.errors:
            return None
        return Pending(
            line,
            self,
            slug,
            existing,
            {"slug": slug, **found},
            {name: value for name, value in links.items() if value is not UNSET},
        )

    @staticmethod
    def related_events(values: RowValues, slug: str) -> frozenset[tuple[int, str]] | Any:
        """``[{"relation": "follows", "event": "a-slug"}]``, or ``follows:a-slug`` items."""
        items = values.items("related_events")
        if items is UNSET:
            return UNSET
        links: set[tuple[int, str]] = set()
        for item in items:
            if isinstance(item, dict) and set(item) == {"relation", "event"}:
                relation, other = item["relation"], item["event"]
            elif isinstance(item, str) and ":" in item:
                relation, other = (part.strip() for part in item.split(":", 1))
            else:
                values.error(
                    "related_events",
                    'Give each related event as {"relation": ..., "event": ...} '
                    "or as relation:event-slug.",
                )
                continue
            if relation not in EventRelationKind.values:
                values.error(
                    "related_events",
                    f"Value {relation!r} is not a valid choice "
                    f"({', '.join(EventRelationKind.values)}).",
                )
                continue
            if other == slug:
                values.error("related_events", "An event cannot be related to itself.")
                continue
            pk = values.index.events.get(other) if isinstance(other, str) else None
            if pk is None:
                if ("event", other) in values.waiting:
                    raise NeedsFlush
                values.error("related_events", f"There is no event with slug {other}.")
                continue
            if (pk, relation) in links:
                values.error("related_events", "Each related event and relation is listed once.")
            links.add((pk, relation))
        return frozenset(links)

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        return [("event", pending.key)]

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.events[instance.slug] = instance.pk


class PositionRecord(RecordType):
    name = "position"
    model = Position
    links = (sources_of(Position),)
    FIELDS = ("cameo_code", "stated_on_precision", "summary", "quote", "language")

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
        sources = values.sources(required=existing is None)
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
    FIELDS = (
        "status",
        "condition",
        "deadline",
        "effective_on",
        "ended_on",
        "amount",
        "currency",
        "description",
    )

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
        existing = self.existing(values, values.index.measures.get(key), "measures")  # type: ignore[arg-type]
        sources = values.sources(required=existing is None)
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
            position = Position(pk=index.positions[keys[0]][0], actor_id=actor_id)
            position._state.adding = False
            position._state.db = index.using
            return position
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


# In the order a batch is written: what a record refers to is written before it.
RECORD_TYPES: dict[str, RecordType] = {
    record.name: record
    for record in (
        SourceRecord(),
        ActorRecord(),
        MembershipRecord(),
        ConflictRecord(),
        EventRecord(),
        PositionRecord(),
        MeasureRecord(),
    )
}
