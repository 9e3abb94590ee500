"""Positions and measures, with each measure's status history."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from responses.choices import (
    ALLOWED_TRANSITIONS,
    MeasureStatus,
)
from responses.models import (
    Measure,
    MeasureStatusChange,
    Position,
)
from synthetic import vocab
from synthetic.tables import (
    CHUNK,
    DAYS,
    PRECISIONS,
    Table,
    TableMaker,
    partial_date,
    zipf_cum_weights,
)
from tracker.choices import DatePrecision


class StatementTables(TableMaker):
    """Positions, measures and status changes."""

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
