"""Read replicas: reads go to a replica, writes (and the reads of a write) to the primary.

With ``DATABASE_REPLICA_URLS`` set, settings add one database alias per
replica (``replica1``, ...) and this router. A read goes to a replica
unless it must see the primary's latest state:

* inside a write request (POST, PUT, PATCH, DELETE): the request validates
  and locks what it is about to change, on the primary;
* inside a transaction on the primary (``transaction.atomic()``);
* for anything but the tracker's data (``TRACKED_APPS``): sessions, users,
  tokens and the like must be read where they were just written;
* when no replica has replayed every write made before the request began
  (tracker.freshness.WriteRequestMiddleware picks the replicas that have):
  so a client reads its own writes, and the response cache never stores an
  older state under a newer data version;
* when no replica is usable: a replica that does not answer, or is further
  behind than ``REPLICA_MAX_LAG_SECONDS``, gets no reads until it is well
  (``tracker.replica_health``). A safe request whose read failed on a
  replica that went away meanwhile, or was cancelled by its replay, is
  answered again from the primary (WriteRequestMiddleware).

Migrations run on the primary only; the replicas receive them by streaming.
"""

from __future__ import annotations

import contextvars
import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from tracker import replica_health

# The apps whose data the data version covers (tracker.freshness): only their
# reads can go to a replica.
TRACKED_APPS = ("actors", "responses")

_reading_from: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "tracker_reading_from", default=None
)
_read_on_a_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "tracker_read_on_a_replica", default=False
)


@contextmanager
def noting_replica_reads() -> Iterator[Callable[[], bool]]:
    """Within the block, whether a read was sent to a replica (the function yielded)."""
    token = _read_on_a_replica.set(False)
    try:
        yield _read_on_a_replica.get
    finally:
        _read_on_a_replica.reset(token)


@contextmanager
def reading_from(aliases: list[str]) -> Iterator[None]:
    """Within the block, reads go only to these replicas (none: the primary)."""
    token = _reading_from.set(aliases)
    try:
        yield
    finally:
        _reading_from.reset(token)


def primary_only() -> AbstractContextManager[None]:
    """Send every query in the block to the primary."""
    return reading_from([])


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", []))


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        allowed = _reading_from.get()
        aliases = replicas() if allowed is None else allowed
        if not aliases or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label not in TRACKED_APPS:
            # Sessions, users, tokens, saved filters: their writes do not move
            # the data version, so only the primary surely has the latest.
            return DEFAULT_DB_ALIAS
        aliases = replica_health.usable(aliases)
        if not aliases:
            return DEFAULT_DB_ALIAS
        _read_on_a_replica.set(True)
        return random.choice(aliases)

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Every alias holds the same data: the primary's.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
