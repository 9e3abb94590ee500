"""Sources, conflicts and events: the records that claims cite and concern."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from bulkload.fields import UNSET, NeedsFlush, RowValues
from bulkload.index import Index
from bulkload.records.base import Links, Pending, RecordType, sources_of
from responses.choices import EventRelationKind
from responses.declarations import CONFLICT, EVENT, SOURCE
from responses.models import (
    Conflict,
    ConflictParty,
    Event,
    EventParticipant,
    EventRelation,
    Source,
)
from tracker.declarations import plain


class SourceRecord(RecordType):
    name = "source"
    model = Source
    declaration = SOURCE
    reads = ()
    FIELDS = plain(SOURCE, besides=reads)

    def read(self, values: RowValues, line: int) -> Pending | None:
        index = values.index
        key_name = values.text("key")
        if values.given("url") and not values.given("link"):
            values.data["link"] = values.take("url")  # the name files used before "link"
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
    declaration = CONFLICT
    reads = ("slug", "parties", "sources")
    FIELDS = plain(CONFLICT, besides=reads)

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
    declaration = EVENT
    reads = (
        "slug",
        "conflict",
        "initiator",
        "target",
        "participants",
        "related_events",
        "sources",
    )
    FIELDS = plain(EVENT, besides=reads)

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
            "sources": values.sources(required=existing is None and values.match_id is None),
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
