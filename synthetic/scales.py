"""How many records each scale has."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Scale:
    actors: int
    events: int
    positions: int
    measures: int
    sources: int

    def with_counts(self, **counts: Any) -> Scale:
        return replace(self, **{name: value for name, value in counts.items() if value is not None})

    def total(self) -> int:
        return self.actors + self.events + self.positions + self.measures + self.sources


SCALES = {
    "small": Scale(actors=500, events=2_000, positions=10_000, measures=2_000, sources=1_500),
    "medium": Scale(
        actors=5_000, events=50_000, positions=250_000, measures=50_000, sources=25_000
    ),
    "large": Scale(
        actors=20_000, events=200_000, positions=1_000_000, measures=200_000, sources=100_000
    ),
}
