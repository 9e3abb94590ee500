"""Which replicas a read may go to: the ones that answer, are not too far behind,
and hold every write the read must see.

Each process asks each replica, at most once every ``CHECK_SECONDS``, how far
its replay is behind the primary. A replica that does not answer, or is
behind by more than ``REPLICA_MAX_LAG_SECONDS``, gets no reads until a later
check finds it well; the primary serves them meanwhile. One thread checks
while the others go on with what the last check found.

Writes are located by their position in the primary's write-ahead log
(``primary_position``, after they commit); a replica holds them once it has
replayed that far (``holding``). Each process remembers how far each replica
had replayed when last asked, and asks again when a read needs more or when
it connects to the replica anew.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)

CHECK_SECONDS = 1.0

# Caught up when everything received has been replayed; otherwise the age of
# the last transaction replayed. (That age alone would grow while the primary
# is idle, with nothing to replay.) On a server that is not a standby, 0.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


# Positions in the write-ahead log, in bytes from its start. What the primary
# has flushed is past every commit that has returned (with synchronous_commit
# on, PostgreSQL's default), and a standby can reach it, which it could not
# yet reach for WAL still being inserted by writes under way. A server that
# is not a standby (a replica alias onto the primary itself) answers NULL to
# the replay question: it holds everything.
PRIMARY_POSITION_SQL = "SELECT pg_current_wal_flush_lsn() - '0/0'"
REPLAYED_SQL = "SELECT pg_last_wal_replay_lsn() - '0/0'"
EVERYTHING = float("inf")


@dataclass(frozen=True)
class Health:
    usable: bool = True
    checked_at: float = float("-inf")


_health: dict[str, Health] = {}
_checking = threading.Lock()
_replayed: dict[str, float] = {}


def usable(aliases: list[str]) -> list[str]:
    """Those of ``aliases`` that the last check found usable (checking when due)."""
    now = time.monotonic()
    due = any(now - _health.get(alias, Health()).checked_at >= CHECK_SECONDS for alias in aliases)
    if due and _checking.acquire(blocking=False):
        try:
            for alias in aliases:
                _health[alias] = Health(_check(alias), now)
        finally:
            _checking.release()
    return [alias for alias in aliases if _health.get(alias, Health()).usable]


def check_again() -> None:
    """Forget what the checks found: the next read checks every replica anew."""
    _health.clear()
    _replayed.clear()


def primary_position() -> int:
    """A position in the primary's log past every committed write (0 off PostgreSQL)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(PRIMARY_POSITION_SQL)
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def replayed(alias: str) -> float:
    """How far the replica ``alias`` has replayed the primary's log."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return EVERYTHING
    with connection.cursor() as cursor:
        cursor.execute(REPLAYED_SQL)
        row = cursor.fetchone()
    return EVERYTHING if not row or row[0] is None else float(row[0])


def holding(aliases: list[str], position: float) -> list[str]:
    """Those of ``aliases`` that have replayed the log up to ``position``."""
    ready = []
    for alias in aliases:
        known = _replayed.get(alias, -1.0)
        if known < position:
            try:
                known = _replayed[alias] = replayed(alias)
            except DatabaseError as error:
                _gone(alias, error)
                continue
        if known >= position:
            ready.append(alias)
    return ready


def _forget_replay(sender: Any, connection: Any, **kwargs: Any) -> None:
    # A new connection may reach another server behind the same address, or
    # one that restarted and replays from an earlier point: ask it afresh.
    _replayed.pop(connection.alias, None)


connection_created.connect(_forget_replay, dispatch_uid="tracker-replica-replay")


def lag_seconds(alias: str) -> float:
    """How far the replica ``alias`` is behind the primary (0 on SQLite)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        connection.ensure_connection()
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


def _check(alias: str) -> bool:
    limit = float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5.0))
    try:
        lag = lag_seconds(alias)
    except DatabaseError as error:
        _gone(alias, error)
        return False
    if lag > limit:
        logger.warning(
            "Replica %s is %.1f s behind (limit %s s), reads go to the primary", alias, lag, limit
        )
        return False
    return True


def _gone(alias: str, error: DatabaseError) -> None:
    # Closed, so that the next check (or read) connects afresh; no reads until then.
    connections[alias].close_if_unusable_or_obsolete()
    _health[alias] = Health(False, time.monotonic())
    logger.warning("Replica %s cannot be reached, reads go to the primary: %s", alias, error)
