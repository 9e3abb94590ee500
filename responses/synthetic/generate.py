"""Rows for every table, deterministic for a seed.

Each table gets its own random stream (seeded by the seed and the table's
name), so the rows of one table do not change when another's count does.
Ids are assigned here, from 1, which is why the loader wants empty tables.
Popularity follows a Zipf law: actors and events early in their ordering
are named far more often, as the states and crises of real data are.
"""

from __future__ import annotations

import datetime
import itertools
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model

from actors.choices import ActorKind
from actors.models import Actor, Membership
from responses.choices import (
    ALLOWED_TRANSITIONS,
    EventKind,
    EventRelationKind,
    Impact,
    MeasureStatus,
)
from responses.models import (
    Conflict,
    ConflictParty,
    Event,
    EventParticipant,
    EventRelation,
    Measure,
    MeasureStatusChange,
    Position,
    Source,
)
from responses.synthetic import vocab
from responses.synthetic.scales import Scale
from tracker.choices import DatePrecision

FIRST_DAY = datetime.date(2006, 1, 1)
DAYS = 20 * 365 + 5  # twenty years of events
# Records were "entered" one second apart from here: fixed, so runs agree.
ENTERED_FROM = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
CHUNK = 20_000


@dataclass
class Table:
    """Rows of one model, as tuples in the order of ``fields`` (model field names)."""

    model: type[Model]
    fields: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


def zipf_cum_weights(n: int, exponent: float = 1.05) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


def partial_date(day: int, precision: str) -> datetime.date:
    date = FIRST_DAY + datetime.timedelta(days=day)
    if precision == DatePrecision.MONTH:
        return date.replace(day=1)
    if precision == DatePrecision.YEAR:
        return date.replace(month=1, day=1)
    return date


PRECISIONS = (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR)


@dataclass
class World:
    """What later tables need to know about earlier ones."""

    actor_kinds: list[str] = field(default_factory=list)
    actor_names: list[str] = field(default_factory=list)
    actor_countries: list[str] = field(default_factory=list)
    states: list[int] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    organizations: list[int] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    conflicts: int = 0
    event_days: list[int | None] = field(default_factory=list)
    event_what: list[str] = field(default_factory=list)
    event_place: list[str] = field(default_factory=list)
    event_initiator: list[int | None] = field(default_factory=list)


class Generator:
    def __init__(self, scale: Scale, seed: int = 1) -> None:
        self.scale = scale
        self.seed = seed
        self.world = World()

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.seed}:{table}")

    @staticmethod
    def entered(offset: int) -> datetime.datetime:
        return ENTERED_FROM + datetime.timedelta(seconds=offset)

    def tables(self) -> Iterator[Table]:
        """Every table, parents before children (actors and sources first)."""
        yield self.actors()
        yield self.memberships()
        yield self.sources()
        yield from self.conflicts()
        yield from self.events()
        yield from self.positions()
        yield from self.measures()

    # Actors

    def _name(self, rng: random.Random) -> str:
        syllables = rng.choice((2, 2, 3))
        name = "".join(
            rng.choice(vocab.ONSETS) + rng.choice(vocab.VOWELS) for _ in range(syllables)
        )
        return (name + rng.choice(vocab.CODAS)).capitalize()

    def actors(self) -> Table:
        rng = self.rng("actors")
        n = self.scale.actors
        world = self.world
        n_states = min(len(vocab.COUNTRIES), max(10, n // 20))
        n_organizations = max(5, n // 50)
        # The loud ones first: states and organizations take the top Zipf ranks.
        kinds: list[str] = [ActorKind.STATE] * n_states
        organization_kinds = (
            ActorKind.INTERNATIONAL_ORGANIZATION,
            ActorKind.SUPRANATIONAL_UNION,
            ActorKind.MILITARY_ALLIANCE,
            ActorKind.INFORMAL_GROUP,
        )
        kinds += rng.choices(organization_kinds, weights=(5, 2, 2, 1), k=n_organizations)
        rest = n - len(kinds)
        kinds += rng.choices(
            (
                ActorKind.PERSON,
                ActorKind.GOVERNMENT_BODY,
                ActorKind.NGO,
                ActorKind.NON_STATE_ARMED_GROUP,
                ActorKind.OTHER,
            ),
            weights=(50, 30, 10, 5, 5),
            k=rest,
        )
        kinds = kinds[:n]
        world.actor_kinds = kinds
        countries = rng.sample(vocab.COUNTRIES, n_states)

        def rows() -> Iterator[tuple[Any, ...]]:
            for index, kind in enumerate(kinds):
                pk = index + 1
                base = self._name(rng)
                parent: int | None = None
                country = ""
                aliases: list[str] = []
                short_name = ""
                if kind == ActorKind.STATE:
                    country = countries[index]
                    name = rng.choice(vocab.STATE_FORMS).format(base)
                    short_name = base if name != base else ""
                    aliases = [base.upper()[:3]] if rng.random() < 0.3 else []
                    world.states.append(pk)
                elif kind == ActorKind.PERSON:
                    state = rng.choice(world.states)
                    parent = state if rng.random() < 0.6 else None
                    country = world.actor_countries[state - 1]
                    name = f"{rng.choice(vocab.FIRST_NAMES)} {base}"
                    world.persons.append(pk)
                elif kind == ActorKind.GOVERNMENT_BODY:
                    state = rng.choice(world.states)
                    parent, country = state, world.actor_countries[state - 1]
                    name = rng.choice(vocab.BODY_FORMS).format(world.actor_names[state - 1])
                elif kind in organization_kinds:
                    name = rng.choice(vocab.ORGANIZATION_FORMS).format(base)
                    short_name = "".join(word[0] for word in name.split() if word[0].isupper())
                    aliases = [short_name, name.upper()] if rng.random() < 0.5 else [short_name]
                    world.organizations.append(pk)
                else:
                    name = f"{base} {kind.replace('_', ' ').title()}"
                world.actor_names.append(name)
                world.actor_countries.append(country)
                slug = f"{name.lower().replace(' ', '-')}-{pk}"[:100]
                wikidata = f"Q{1_000_000 + pk}" if kind == ActorKind.STATE else ""
                description = f"{name}, a {kind.replace('_', ' ')} in the synthetic data set."
                stamp = self.entered(pk)
                yield (
                    pk,
                    stamp,
                    stamp,
                    slug,
                    name,
                    short_name[:50],
                    kind,
                    country,
                    parent,
                    json.dumps(aliases, ensure_ascii=False),
                    wikidata,
                    description,
                )

        fields = (
            "id",
            "created_at",
            "updated_at",
            "slug",
            "name",
            "short_name",
            "kind",
            "country",
            "parent",
            "aliases",
            "wikidata_id",
            "description",
        )
        return Table(Actor, fields, rows())

    def memberships(self) -> Table:
        rng = self.rng("memberships")
        world = self.world

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = 0
            for organization in world.organizations:
                size = min(len(world.states), rng.randint(3, 40))
                for member in sorted(rng.sample(world.states, size)):
                    pk += 1
                    started = partial_date(rng.randrange(-20 * 365, DAYS), DatePrecision.DAY)
                    stamp = self.entered(pk)
                    yield (pk, stamp, stamp, member, organization, started, None)

        fields = (
            "id",
            "created_at",
            "updated_at",
            "member",
            "organization",
            "started_on",
            "ended_on",
        )
        return Table(Membership, fields, rows())

    # Sources

    def sources(self) -> Table:
        rng = self.rng("sources")
        n = self.scale.sources
        kinds = rng.choices(
            list(vocab.SOURCE_KIND_WEIGHTS), weights=list(vocab.SOURCE_KIND_WEIGHTS.values()), k=n
        )
        outlet_weights = zipf_cum_weights(len(vocab.OUTLETS), 0.8)

        def rows() -> Iterator[tuple[Any, ...]]:
            for index, kind in enumerate(kinds):
                pk = index + 1
                outlet = rng.choices(vocab.OUTLETS, cum_weights=outlet_weights)[0]
                day = rng.randrange(DAYS)
                published = None if rng.random() < 0.05 else partial_date(day, DatePrecision.DAY)
                domain = outlet.lower().replace(" ", "")
                url = "" if rng.random() < 0.1 else f"https://{domain}.example/{day}/{pk}"
                language = rng.choices(vocab.LANGUAGES, weights=vocab.LANGUAGE_WEIGHTS)[0]
                stamp = self.entered(pk)
                yield (
                    pk,
                    stamp,
                    stamp,
                    kind,
                    f"{outlet}: report {pk} on the conflict",
                    outlet,
                    url,
                    published,
                    language,
                    "",
                )

        fields = (
            "id",
            "created_at",
            "updated_at",
            "kind",
            "title",
            "publisher",
            "url",
            "published_on",
            "language",
            "excerpt",
        )
        return Table(Source, fields, rows())

    def _sources_of(self, rng: random.Random, how_many: int) -> list[int]:
        return rng.sample(range(1, self.scale.sources + 1), how_many)

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

    def _other_state(self, actor: int) -> int:
        states = self.world.states
        return states[0] if actor != states[0] else states[1]

    # Positions

    def positions(self) -> Iterator[Table]:
        rng = self.rng("positions")
        world = self.world
        n_actors, n_events = self.scale.actors, self.scale.events
        actor_weights = zipf_cum_weights(n_actors)
        # Popular events are spread over the years, not the first ids.
        event_order = list(range(1, n_events + 1))
        rng.shuffle(event_order)
        # Milder than for actors: a major event draws thousands of statements, not a
        # tenth of them all.
        event_weights = zipf_cum_weights(n_events, 0.6)
        person_weights = zipf_cum_weights(len(world.persons)) if world.persons else []
        stances = list(vocab.STANCE_WEIGHTS)
        stance_weights = list(vocab.STANCE_WEIGHTS.values())
        citations: list[tuple[int, int]] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            pk = 0
            for start in range(0, self.scale.positions, CHUNK):
                k = min(CHUNK, self.scale.positions - start)
                actors = rng.choices(range(1, n_actors + 1), cum_weights=actor_weights, k=k)
                events = rng.choices(event_order, cum_weights=event_weights, k=k)
                targets = rng.choices(world.states, k=k)
                chunk_stances = rng.choices(stances, weights=stance_weights, k=k)
                for actor, event_pk, target, stance in zip(
                    actors, events, targets, chunk_stances, strict=True
                ):
                    pk += 1
                    event: int | None = event_pk
                    target_or_none: int | None = target
                    if rng.random() < 0.15:
                        event = None  # about an actor, not an event
                    elif rng.random() < 0.65:
                        target_or_none = world.event_initiator[event_pk - 1]
                    if target_or_none == actor:
                        target_or_none = None
                    if target_or_none is None and event is None:
                        target_or_none = self._other_state(actor)
                    speaker = None
                    if world.persons and rng.random() < 0.15:
                        speaker = rng.choices(world.persons, cum_weights=person_weights)[0]
                    event_day = world.event_days[event_pk - 1] if event is not None else None
                    undated = rng.random() < 0.06
                    precision = "" if undated else rng.choices(PRECISIONS, weights=(90, 8, 2))[0]
                    if event_day is None:
                        day = rng.randrange(DAYS)
                    else:
                        day = min(DAYS - 1, event_day + int(rng.expovariate(0.3)))
                    stated = None if undated else partial_date(day, precision)
                    codes = vocab.CAMEO_CODES[stance]
                    cameo = codes[int(rng.random() ** 2 * len(codes))] if rng.random() < 0.7 else ""
                    what = world.event_what[event_pk - 1] if event is not None else "escalation"
                    place = world.event_place[event_pk - 1]
                    target_name = (
                        world.actor_names[target_or_none - 1]
                        if target_or_none
                        else "the other side"
                    )
                    summary = vocab.SUMMARIES[stance].format(
                        what=what, place=place, target=target_name
                    )
                    quote = rng.choice(vocab.QUOTES) if rng.random() < 0.3 else ""
                    language = (
                        rng.choices(vocab.LANGUAGES, weights=vocab.LANGUAGE_WEIGHTS)[0]
                        if quote
                        else ""
                    )
                    citations.extend(
                        (pk, source) for source in self._sources_of(rng, 1 + (rng.random() < 0.3))
                    )
                    stamp = self.entered(pk)
                    yield (
                        pk,
                        stamp,
                        stamp,
                        actor,
                        speaker,
                        event,
                        target_or_none,
                        stance,
                        cameo,
                        stated,
                        precision,
                        summary,
                        quote,
                        language,
                    )

        fields = (
            "id",
            "created_at",
            "updated_at",
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
        )
        yield Table(Position, fields, rows())
        yield Table(Position.sources.through, ("position", "source"), iter(citations))

    # Measures and their history

    def _lifecycle(self, rng: random.Random, start_day: int) -> list[tuple[str, int | None]]:
        """The statuses a measure went through, each with the day it moved there."""
        status: str = rng.choices(
            list(vocab.FIRST_STATUS_WEIGHTS), weights=list(vocab.FIRST_STATUS_WEIGHTS.values())
        )[0]
        path: list[tuple[str, int | None]] = [(status, start_day)]
        day = start_day
        while rng.randrange(100) < vocab.MOVE_ON_PERCENT.get(status, 0):
            options = vocab.NEXT_STATUS_WEIGHTS[status]
            status = rng.choices(list(options), weights=list(options.values()))[0]
            assert status in ALLOWED_TRANSITIONS[path[-1][0]]
            day = min(DAYS - 1, day + 1 + int(rng.expovariate(1 / 60)))
            path.append((status, None if rng.random() < 0.05 else day))
        return path

    def measures(self) -> Iterator[Table]:
        rng = self.rng("measures")
        world = self.world
        loud = world.states + world.organizations
        loud_weights = zipf_cum_weights(len(loud))
        state_weights = zipf_cum_weights(len(world.states))
        event_weights = zipf_cum_weights(self.scale.events, 0.6)
        kinds = list(vocab.MEASURE_KIND_WEIGHTS)
        kind_weights = list(vocab.MEASURE_KIND_WEIGHTS.values())
        changes: list[tuple[Any, ...]] = []
        citations: list[tuple[int, int]] = []
        change_entered = self.scale.measures  # changes are entered after every measure

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal change_entered
            for index in range(self.scale.measures):
                pk = index + 1
                actor = rng.choices(loud, cum_weights=loud_weights)[0]
                target = rng.choices(world.states, cum_weights=state_weights)[0]
                if target == actor:
                    target = self._other_state(actor)
                kind = rng.choices(kinds, weights=kind_weights)[0]
                event = None
                if rng.random() < 0.7:
                    event = rng.choices(range(1, self.scale.events + 1), cum_weights=event_weights)[
                        0
                    ]
                event_day = world.event_days[event - 1] if event is not None else None
                start = event_day if event_day is not None else rng.randrange(DAYS)
                undated = rng.random() < 0.05
                path = self._lifecycle(rng, start)
                status = path[-1][0]
                was_threat = path[0][0] == MeasureStatus.THREATENED
                condition = (
                    "if such hostile actions continue" if was_threat and rng.random() < 0.6 else ""
                )
                deadline = None
                if was_threat and rng.random() < 0.15:
                    deadline = partial_date(min(DAYS - 1, start + 30), DatePrecision.DAY)
                effective = ended = None
                for moved_to, day in path[1:]:
                    if day is None:
                        continue
                    if moved_to == MeasureStatus.IN_FORCE and effective is None:
                        effective = partial_date(day, DatePrecision.DAY)
                    if moved_to in {"lifted", "withdrawn", "lapsed"}:
                        ended = partial_date(day, DatePrecision.DAY)
                amount = currency = None
                if kind in vocab.AID_KINDS and rng.random() < 0.6:
                    amount = Decimal(rng.randrange(1, 5000) * 100_000)
                    currency = rng.choice(vocab.CURRENCIES)
                stamp = self.entered(pk)
                updated = stamp
                for (before, _), (after, day) in itertools.pairwise(path):
                    change_entered += 1
                    updated = self.entered(change_entered)
                    changed_on = None if day is None else partial_date(day, DatePrecision.DAY)
                    source = rng.randint(1, self.scale.sources)
                    changes.append(
                        (
                            len(changes) + 1,
                            updated,
                            updated,
                            pk,
                            before,
                            after,
                            changed_on,
                            source,
                            "",
                        )
                    )
                citations.extend(
                    (pk, source) for source in self._sources_of(rng, rng.randint(1, 2))
                )
                name = world.actor_names[target - 1]
                yield (
                    pk,
                    stamp,
                    updated,
                    actor,
                    target,
                    kind,
                    status,
                    condition,
                    deadline,
                    None if undated else partial_date(start, DatePrecision.DAY),
                    effective,
                    ended,
                    amount,
                    currency or "",
                    event,
                    None,
                    f"{kind.replace('_', ' ').capitalize()} concerning {name}.",
                )

        fields = (
            "id",
            "created_at",
            "updated_at",
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
        )
        yield Table(Measure, fields, rows())
        yield Table(
            MeasureStatusChange,
            (
                "id",
                "created_at",
                "updated_at",
                "measure",
                "from_status",
                "to_status",
                "changed_on",
                "source",
                "note",
            ),
            iter(changes),
        )
        yield Table(Measure.sources.through, ("measure", "source"), iter(citations))


def column_names(table: Table) -> Sequence[str]:
    meta = table.model._meta
    return [meta.get_field(name).column for name in table.fields]  # type: ignore[union-attr,misc]
