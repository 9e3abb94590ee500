"""Rows for every table, deterministic for a seed.

Each table gets its own random stream (seeded by the seed and the table's
name), so the rows of one table do not change when another's count does.
Ids are assigned here, from 1, which is why the loader wants empty tables.
Popularity follows a Zipf law: actors and events early in their ordering
are named far more often, as the states and crises of real data are.
"""

from __future__ import annotations

from collections.abc import Iterator

from synthetic.actors import ActorTables
from synthetic.events import EventTables
from synthetic.statements import StatementTables
from synthetic.tables import Table, column_names

__all__ = ["Generator", "Table", "column_names"]


class Generator(ActorTables, EventTables, StatementTables):
    def tables(self) -> Iterator[Table]:
        """Every table, parents before children (actors and sources first)."""
        yield self.actors()
        yield self.memberships()
        yield self.sources()
        yield from self.conflicts()
        yield from self.events()
        yield from self.positions()
        yield from self.measures()
