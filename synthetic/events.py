"""Conflicts and events, placed at partial dates over twenty years."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from responses.choices import (
    EventKind,
    EventRelationKind,
    Impact,
)
from responses.models import (
    Conflict,
    ConflictParty,
    Event,
    EventParticipant,
    EventRelation,
)
from synthetic import vocab
from synthetic.tables import (
    DAYS,
    PRECISIONS,
    Table,
    TableMaker,
    partial_date,
    zipf_cum_weights,
)
from tracker.choices import DatePrecision


class EventTables(TableMaker):
    """Conflicts, events and their links."""

    # Conflicts and events

    def conflicts(self) -> Iterator[Table]:
        rng = self.rng("conflicts")
        world = self.world
        world.conflicts = max(3, self.scale.events // 4000)
        parties: list[tuple[int, int, int]] = []
        conflicts = []
        for pk in range(1, world.conflicts + 1):
            a, b = rng.sample(world.states[: max(2, len(world.states) // 2)], 2)
            name = f"{world.actor_names[a - 1]}–{world.actor_names[b - 1]} conflict"
            started = partial_date(rng.randrange(DAYS), DatePrecision.YEAR)
            stamp = self.entered(pk)
            slug = f"conflict-{pk}"
            conflicts.append((pk, stamp, stamp, slug, name, started, DatePrecision.YEAR, ""))
            parties += [(2 * pk - 1, pk, a), (2 * pk, pk, b)]
        yield Table(
            Conflict,
            (
                "id",
                "created_at",
                "updated_at",
                "slug",
                "name",
                "started_on",
                "started_on_precision",
                "summary",
            ),
            iter(conflicts),
        )
        yield Table(ConflictParty, ("id", "conflict", "actor"), iter(parties))

    def _places(self, rng: random.Random) -> list[tuple[str, str]]:
        countries = [self.world.actor_countries[state - 1] for state in self.world.states]
        return [
            (self._name(rng), rng.choice(countries)) for _ in range(max(50, len(countries) * 4))
        ]

    def events(self) -> Iterator[Table]:
        rng = self.rng("events")
        world = self.world
        n = self.scale.events
        world.places = places = self._places(rng)
        kinds = rng.choices(
            list(vocab.EVENT_KIND_WEIGHTS), weights=list(vocab.EVENT_KIND_WEIGHTS.values()), k=n
        )
        state_weights = zipf_cum_weights(len(world.states))
        conflict_weights = zipf_cum_weights(world.conflicts, 0.9)
        person_weights = zipf_cum_weights(len(world.persons)) if world.persons else []
        participants: list[tuple[int, int]] = []
        relations: list[tuple[int, int, str]] = []
        citations: list[tuple[int, int]] = []
        last_in_conflict: dict[int, int] = {}

        def rows() -> Iterator[tuple[Any, ...]]:
            for index, kind in enumerate(kinds):
                pk = index + 1
                place, country = rng.choice(places)
                conflict = (
                    None
                    if rng.random() < 0.1
                    else rng.choices(range(1, world.conflicts + 1), cum_weights=conflict_weights)[0]
                )
                # More events in recent years, as coverage grows.
                day = int(rng.triangular(0, DAYS - 1, DAYS * 0.85))
                undated = rng.random() < 0.04
                precision = "" if undated else rng.choices(PRECISIONS, weights=(85, 10, 5))[0]
                occurred = None if undated else partial_date(day, precision)
                world.event_days.append(None if undated else day)
                initiator = target = None
                a, b = rng.choices(world.states, cum_weights=state_weights, k=2)
                if kind in vocab.STRIKE_KINDS:
                    initiator, target = a, (b if b != a else None)
                if kind == EventKind.DIPLOMATIC_CONTACT and len(world.persons) >= 2:
                    first, second = rng.choices(world.persons, cum_weights=person_weights, k=2)
                    participants.append((pk, first))
                    if second != first:
                        participants.append((pk, second))
                    title = vocab.EVENT_TITLES[kind].format(
                        a=world.actor_names[first - 1], b=world.actor_names[second - 1]
                    )
                else:
                    title = vocab.EVENT_TITLES[kind].format(place=place)
                world.event_what.append(title[0].lower() + title[1:])
                world.event_place.append(place)
                world.event_initiator.append(initiator)
                impacts: list[str] = []
                fatalities = injuries = None
                if kind in vocab.STRIKE_KINDS:
                    impacts = sorted(rng.sample(Impact.values[:5], rng.randint(0, 3)))
                    if rng.random() < 0.3:  # numbers only where a source gives them
                        fatalities = int(rng.paretovariate(1.2))
                        injuries = int(rng.paretovariate(1.0) * 3)
                if conflict is not None:
                    previous = last_in_conflict.get(conflict)
                    if previous is not None and rng.random() < 0.08:
                        relation = rng.choice(EventRelationKind.values)
                        relations.append((pk, previous, relation))
                    last_in_conflict[conflict] = pk
                citations.extend(
                    (pk, source) for source in self._sources_of(rng, rng.randint(1, 3))
                )
                stamp = self.entered(pk)
                yield (
                    pk,
                    stamp,
                    stamp,
                    f"event-{pk}",
                    title,
                    kind,
                    conflict,
                    occurred,
                    precision,
                    place,
                    country,
                    initiator,
                    target,
                    f"{title}, as reported by the sources.",
                    json.dumps(impacts),
                    fatalities,
                    injuries,
                )

        fields = (
            "id",
            "created_at",
            "updated_at",
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
            "summary",
            "impacts",
            "fatalities",
            "injuries",
        )
        yield Table(Event, fields, rows())
        # The lists above fill as the event rows are consumed.
        yield Table(EventParticipant, ("event", "actor"), iter(participants))
        yield Table(EventRelation, ("from_event", "to_event", "relation"), iter(relations))
        yield Table(Event.sources.through, ("event", "source"), iter(citations))
