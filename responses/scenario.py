"""Loading a scenario file: actors, sources, conflicts, events, positions, measures.

Every record is matched on its natural key and validated with the model's own
rules (``full_clean``) before it is saved, so a scenario file cannot put data
in the database that the admin or the API would refuse. A record whose values
already match is left untouched, so loading a file twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from actors.models import Actor
from responses.models import Conflict, Event, EventRelation, Measure, Position, Source

DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "kyiv-drone-strike.yaml"


class ScenarioError(Exception):
    """The scenario file is malformed or breaks a data rule."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return ", ".join(
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in kinds
        )


def read_scenario(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioError(f"Cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError(f"{path} does not hold a scenario (a mapping of record lists).")
    return data


class _Loader:
    def __init__(self) -> None:
        self.report = LoadReport()
        self.sources: dict[str, Source] = {}

    def upsert(
        self,
        model: type[Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        many: dict[str, list[Any]] | None = None,
    ) -> Any:
        label = str(model._meta.verbose_name_plural)
        existing = model._default_manager.filter(**lookup).first()
        created = existing is None
        instance = model(**lookup) if existing is None else existing
        changed = created
        for name, value in values.items():
            if getattr(instance, name) != value:
                setattr(instance, name, value)
                changed = True
        if changed:
            try:
                instance.full_clean(exclude=[f.name for f in model._meta.many_to_many])
            except ValidationError as exc:
                raise ScenarioError(f"{label} {lookup}: {exc.messages}") from exc
            instance.save()
        for name, related in (many or {}).items():
            manager = getattr(instance, name)
            if created or {obj.pk for obj in manager.all()} != {obj.pk for obj in related}:
                manager.set(related)
                changed = True
        if created:
            self.report.created[label] += 1
        elif changed:
            self.report.updated[label] += 1
        else:
            self.report.unchanged[label] += 1
        return instance

    def actor(self, slug: str | None) -> Actor | None:
        if slug is None:
            return None
        try:
            return Actor.objects.get(slug=slug)
        except Actor.DoesNotExist:
            raise ScenarioError(f"Unknown actor {slug!r}.") from None

    def event(self, slug: str | None) -> Event | None:
        if slug is None:
            return None
        try:
            return Event.objects.get(slug=slug)
        except Event.DoesNotExist:
            raise ScenarioError(f"Unknown event {slug!r}.") from None

    def cited(self, record: dict[str, Any], *, required: bool = True) -> list[Model]:
        keys = record.pop("sources", [])
        if required and not keys:
            raise ScenarioError(f"{record} cites no source.")
        try:
            return [self.sources[key] for key in keys]
        except KeyError as exc:
            raise ScenarioError(f"Unknown source key {exc.args[0]!r}.") from None

    def load(self, data: dict[str, Any]) -> LoadReport:
        for raw in data.get("sources", []):
            record = dict(raw)
            key = record.pop("key")
            lookup = {"title": record.pop("title"), "publisher": record.pop("publisher", "")}
            self.sources[key] = self.upsert(Source, lookup, record)

        for raw in data.get("actors", []):
            record = dict(raw)
            record["parent"] = self.actor(record.pop("parent", None))
            self.upsert(Actor, {"slug": record.pop("slug")}, record)

        for raw in data.get("conflicts", []):
            record = dict(raw)
            sources = self.cited(record, required=False)
            parties = [self.actor(slug) for slug in record.pop("parties", [])]
            self.upsert(
                Conflict,
                {"slug": record.pop("slug")},
                record,
                many={"parties": parties, "sources": sources},
            )

        relations: list[tuple[Event, dict[str, Any]]] = []
        for raw in data.get("events", []):
            record = dict(raw)
            sources = self.cited(record)
            participants = [self.actor(slug) for slug in record.pop("participants", [])]
            related = record.pop("related_events", [])
            conflict_slug = record.pop("conflict", None)
            record["conflict"] = (
                Conflict.objects.get(slug=conflict_slug) if conflict_slug is not None else None
            )
            record["initiator"] = self.actor(record.pop("initiator", None))
            record["target"] = self.actor(record.pop("target", None))
            event = self.upsert(
                Event,
                {"slug": record.pop("slug")},
                record,
                many={"participants": participants, "sources": sources},
            )
            relations.extend((event, relation) for relation in related)
        for event, relation in relations:
            self.upsert(
                EventRelation,
                {
                    "from_event": event,
                    "to_event": self.event(relation["event"]),
                    "relation": relation["relation"],
                },
                {},
            )

        for raw in data.get("positions", []):
            record = dict(raw)
            sources = self.cited(record)
            lookup = {
                "actor": self.actor(record.pop("actor")),
                "event": self.event(record.pop("event", None)),
                "target": self.actor(record.pop("target", None)),
                "stance": record.pop("stance"),
            }
            self.upsert(Position, lookup, record, many={"sources": sources})

        for raw in data.get("measures", []):
            record = dict(raw)
            sources = self.cited(record)
            lookup = {
                "actor": self.actor(record.pop("actor")),
                "target": self.actor(record.pop("target")),
                "kind": record.pop("kind"),
                "event": self.event(record.pop("event", None)),
            }
            stance = record.pop("announced_in", None)
            if stance is not None:
                record["position"] = Position.objects.filter(
                    actor=lookup["actor"], event=lookup["event"], stance=stance
                ).first()
                if record["position"] is None:
                    raise ScenarioError(f"No {stance} position announces the measure {lookup}.")
            self.upsert(Measure, lookup, record, many={"sources": sources})
        return self.report


def load_scenario(path: Path = DEFAULT_SCENARIO) -> LoadReport:
    """Load a scenario file in one transaction: all of it or nothing."""
    data = read_scenario(path)
    with transaction.atomic():
        try:
            return _Loader().load(data)
        except (KeyError, TypeError) as exc:
            raise ScenarioError(f"Malformed scenario record: missing or bad {exc}") from exc
