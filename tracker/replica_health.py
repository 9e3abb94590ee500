"""Which replicas a read may go to: the ones that answer and are not too far behind.

Each process asks each replica, at most once every ``CHECK_SECONDS``, how far
its replay is behind the primary. A replica that does not answer, or is
behind by more than ``REPLICA_MAX_LAG_SECONDS``, gets no reads until a later
check finds it well; the primary serves them meanwhile. One thread checks
while the others go on with what the last check found.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

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


@dataclass(frozen=True)
class Health:
    usable: bool = True
    checked_at: float = float("-inf")


_health: dict[str, Health] = {}
_checking = threading.Lock()


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
        # Closed, so that the next check (or read) connects afresh.
        connections[alias].close_if_unusable_or_obsolete()
        logger.warning("Replica %s cannot be reached, reads go to the primary: %s", alias, error)
        return False
    if lag > limit:
        logger.warning(
            "Replica %s is %.1f s behind (limit %s s), reads go to the primary", alias, lag, limit
        )
        return False
    return True
