"""What is already in the database, by natural key, held in memory.

A bulk load resolves every relation ("actor": "ukraine") and finds every
existing record by its natural key without a query per row: the maps below
are read once per file (each with one query, and only when a row needs them)
and kept up to date as the loader writes. After a rollback they are thrown
away and read again, so they never point at rows that were not kept.

Actors are held as light instances (id, slug, kind, parent) because model
``clean()`` methods read those attributes of related actors (a speaker is a
person, an actor is not its own ancestor); the instances are linked to their
parents so that walking up the tree never touches the database.
"""

from __future__ import annotations

import datetime
import functools
import sys
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Model, Q, UniqueConstraint

from actors.models import Actor, Membership
from bulkload.checks import Condition, compile_condition
from responses.models import Conflict, Event, Measure, Position, Source

PositionKey = tuple[int, int | None, int | None, str, datetime.date | None]
MeasureKey = tuple[int, int, str, int | None, datetime.date | None]


class Index:
    def __init__(self, using: str, before_query: Callable[[], None] = lambda: None) -> None:
        self.using = using
        # Called before each read: the loader lets pending writes finish first.
        self.before_query = before_query
        # Source keys name sources for the rest of the run (all files); they are
        # not stored, so they survive reloads and are checked against the ids.
        self.source_keys: dict[str, int] = {}

    def reload(self) -> None:
        """Forget every map; each is read again when next needed."""
        for name, attribute in vars(type(self)).items():
            if isinstance(attribute, cached_property):
                self.__dict__.pop(name, None)
        known = self.source_ids
        self.source_keys = {key: pk for key, pk in self.source_keys.items() if pk in known}

    def _rows(self, model: type[Model], *fields: str) -> Any:
        self.before_query()
        return model._default_manager.using(self.using).values_list(*fields).iterator(10_000)

    @cached_property
    def record_ids(self) -> dict[type[Model], set[int]]:
        """The ids of each model's records, read on first use (rows may name a record by id)."""
        return {}

    def ids_of(self, model: type[Model]) -> set[int]:
        if model not in self.record_ids:
            self.record_ids[model] = {pk for (pk,) in self._rows(model, "pk")}
        return self.record_ids[model]

    # Actors

    @cached_property
    def actors(self) -> dict[str, Actor]:
        by_id: dict[int, Actor] = {}
        for pk, slug, kind, parent_id in self._rows(Actor, "pk", "slug", "kind", "parent_id"):
            actor = Actor(pk=pk, slug=slug, kind=kind, parent_id=parent_id)
            actor._state.adding = False
            actor._state.db = self.using
            by_id[pk] = actor
        for actor in by_id.values():
            self._link_parent(actor, by_id)
        return {actor.slug: actor for actor in by_id.values()}

    @cached_property
    def actors_by_id(self) -> dict[int, Actor]:
        return {actor.pk: actor for actor in self.actors.values()}

    @staticmethod
    def _link_parent(actor: Actor, by_id: dict[int, Actor]) -> None:
        parent = by_id.get(actor.parent_id) if actor.parent_id is not None else None
        actor._state.fields_cache["parent"] = parent

    def remember_actor(self, saved: Actor) -> None:
        actor = self.actors.get(saved.slug)
        if actor is None:
            actor = Actor(pk=saved.pk, slug=saved.slug)
            actor._state.adding = False
            actor._state.db = self.using
            self.actors[actor.slug] = actor
            self.actors_by_id[actor.pk] = actor
        actor.kind = saved.kind
        actor.parent_id = saved.parent_id
        self._link_parent(actor, self.actors_by_id)

    def link_related(self, instance: Model) -> None:
        """Give a record read from the database its actors (and announcing
        position) from memory, so that ``clean()`` reads them without a query."""
        for field in _actor_relations(type(instance)):
            pk = getattr(instance, field.attname)
            if pk is not None and not field.is_cached(instance) and pk in self.actors_by_id:
                field.set_cached_value(instance, self.actors_by_id[pk])
        if isinstance(instance, Measure) and instance.position_id is not None:
            actor_id = self.position_actors.get(instance.position_id)
            if actor_id is None:  # written by someone else during the load
                return
            position = Position(pk=instance.position_id, actor_id=actor_id)
            position._state.adding = False
            position._state.db = self.using
            instance.position = position

    # Events and conflicts, by slug

    @cached_property
    def events(self) -> dict[str, int]:
        return dict(self._rows(Event, "slug", "pk"))

    @cached_property
    def conflicts(self) -> dict[str, int]:
        return dict(self._rows(Conflict, "slug", "pk"))

    # Sources: by URL, and by title and publisher when they have none

    @cached_property
    def source_ids(self) -> set[int]:
        return set(self.sources_by_url.values()) | {
            pk for pks in self.sources_by_title.values() for pk in pks
        }

    @cached_property
    def sources_by_url(self) -> dict[str, int]:
        return {url: pk for pk, url in self._rows(Source, "pk", "url") if url}

    @cached_property
    def sources_by_title(self) -> dict[tuple[str, str], list[int]]:
        found: dict[tuple[str, str], list[int]] = defaultdict(list)
        for pk, url, title, publisher in self._rows(Source, "pk", "url", "title", "publisher"):
            if not url:
                found[(title, publisher)].append(pk)
        return found

    def remember_source(self, saved: Source, old_url: str | None, old_title: Any) -> None:
        if old_url:
            self.sources_by_url.pop(old_url, None)
        if old_title is not None and saved.pk in self.sources_by_title.get(old_title, []):
            self.sources_by_title[old_title].remove(saved.pk)
        if saved.url:
            self.sources_by_url[saved.url] = saved.pk
        else:
            self.sources_by_title[(saved.title, saved.publisher)].append(saved.pk)
        self.source_ids.add(saved.pk)

    # Memberships, positions and measures, by their natural keys

    @cached_property
    def memberships(self) -> dict[Hashable, int]:
        fields = ("member_id", "organization_id", "started_on", "pk")
        return {tuple(row[:3]): row[3] for row in self._rows(Membership, *fields)}

    @cached_property
    def positions(self) -> dict[PositionKey, list[int]]:
        found: dict[PositionKey, list[int]] = defaultdict(list)
        fields = ("actor_id", "event_id", "target_id", "stance", "stated_on", "pk")
        for actor, event, target, stance, stated_on, pk in self._rows(Position, *fields):
            # One string per stance, not one per row: this map can be large.
            found[(actor, event, target, sys.intern(stance), stated_on)].append(pk)
        return found

    @cached_property
    def positions_by_statement(
        self,
    ) -> dict[tuple[int, int | None, str], dict[PositionKey, None]]:
        """Position keys by (actor, event, stance), to find the position announcing a measure.

        Each group is an ordered set: an actor can say thousands of things about one event.
        """
        found: dict[tuple[int, int | None, str], dict[PositionKey, None]] = defaultdict(dict)
        for key in self.positions:
            found[(key[0], key[1], key[3])][key] = None
        return found

    @cached_property
    def position_actors(self) -> dict[int, int]:
        """Each position's actor, which a measure announced in it must share."""
        return {pk: key[0] for key, pks in self.positions.items() for pk in pks}

    def remember_position(self, key: PositionKey, pk: int) -> None:
        self.position_actors[pk] = key[0]
        if pk not in self.positions[key]:
            self.positions[key].append(pk)
            self.positions_by_statement[(key[0], key[1], key[3])][key] = None

    @cached_property
    def measures(self) -> dict[MeasureKey, list[int]]:
        found: dict[MeasureKey, list[int]] = defaultdict(list)
        fields = ("actor_id", "target_id", "kind", "event_id", "announced_on", "pk")
        for actor, target, kind, event, announced_on, pk in self._rows(Measure, *fields):
            found[(actor, target, sys.intern(kind), event, announced_on)].append(pk)
        return found

    # Unique constraints other than the natural keys (an actor's Wikidata id,
    # a source's URL): values → id, read on first use.

    @cached_property
    def _unique(self) -> dict[str, dict[tuple[Any, ...], Any]]:
        """Values -> holder, by constraint name (constraint names are unique)."""
        return {}

    def unique_values(self, model: type[Model], unique: Unique) -> dict[Any, Any]:
        values = self._unique.get(unique.name)
        if values is None:
            self.before_query()
            queryset = model._default_manager.using(self.using)
            if unique.condition is not None:
                queryset = queryset.filter(unique.condition)
            values = {
                tuple(row[1:]): row[0]
                for row in queryset.values_list("pk", *unique.attnames).iterator(10_000)
            }
            self._unique[unique.name] = values
        return values

    def unique_errors(self, instance: Model, owner: object) -> dict[str, list[str]]:
        """Unique constraints this row would break, against the database and the run.

        ``owner`` stands for the row until it has an id (the pending record), so
        that two new rows of one batch cannot claim the same value either.
        """
        errors: dict[str, list[str]] = {}
        model = type(instance)
        for unique in uniques(model):
            if unique.applies is not None and unique.applies(instance) is not True:
                continue
            key = tuple(getattr(instance, attname) for attname in unique.attnames)
            holder = self.unique_values(model, unique).get(key)
            same_row = holder is owner or (instance.pk is not None and holder == instance.pk)
            if holder is not None and not same_row:
                errors.setdefault(unique.field, []).append(unique.message)
        return errors

    def claim_unique(self, instance: Model, owner: object, old: dict[str, Any] | None) -> None:
        """Record the unique values of a row accepted for writing."""
        for unique in uniques(type(instance)):
            values = self._unique.get(unique.name)
            if values is None:
                # Not read: no row of this run met the constraint's condition,
                # and this one does not either (unique_errors reads it when it does).
                continue
            if old is not None:
                old_key = tuple(old[attname] for attname in unique.attnames)
                if values.get(old_key) == instance.pk:
                    del values[old_key]
            if unique.applies is None or unique.applies(instance) is True:
                values[tuple(getattr(instance, attname) for attname in unique.attnames)] = owner


@functools.cache
def _actor_relations(model: type[Model]) -> list[Any]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model is Actor
    ]


@dataclass(frozen=True)
class Unique:
    """A unique constraint, ready to be checked in memory."""

    name: str
    attnames: tuple[str, ...]
    condition: Q | None
    applies: Condition | None
    field: str  # the field an error names
    message: str


@functools.cache
def uniques(model: type[Model]) -> list[Unique]:
    found = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, UniqueConstraint) or not constraint.fields:
            continue
        condition = constraint.condition
        found.append(
            Unique(
                name=constraint.name,
                attnames=tuple(
                    model._meta.get_field(name).attname  # type: ignore[union-attr]
                    for name in constraint.fields
                ),
                condition=condition,
                applies=compile_condition(model, condition) if condition is not None else None,
                field=constraint.fields[0] if len(constraint.fields) == 1 else "__all__",
                message=str(constraint.get_violation_error_message()),
            )
        )
    return found
