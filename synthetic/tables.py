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
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from synthetic import vocab
from synthetic.scales import Scale
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


class TableMaker:
    """What every table's rows draw on: the scale, the seed and what earlier tables made."""

    def __init__(self, scale: Scale, seed: int = 1) -> None:
        self.scale = scale
        self.seed = seed
        self.world = World()

    def rng(self, table: str) -> random.Random:
        return random.Random(f"{self.seed}:{table}")

    @staticmethod
    def entered(offset: int) -> datetime.datetime:
        return ENTERED_FROM + datetime.timedelta(seconds=offset)

    def _name(self, rng: random.Random) -> str:
        syllables = rng.choice((2, 2, 3))
        name = "".join(
            rng.choice(vocab.ONSETS) + rng.choice(vocab.VOWELS) for _ in range(syllables)
        )
        return (name + rng.choice(vocab.CODAS)).capitalize()

    def _sources_of(self, rng: random.Random, how_many: int) -> list[int]:
        return rng.sample(range(1, self.scale.sources + 1), how_many)


def column_names(table: Table) -> Sequence[str]:
    meta = table.model._meta
    return [meta.get_field(name).column for name in table.fields]  # type: ignore[union-attr,misc]
