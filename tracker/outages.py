"""Telling a database that is down (or busy) from a bug.

While PostgreSQL restarts, a request fails with ``OperationalError``: the
connection is refused, or cut by the shutdown. That is not the client's fault
nor a bug: the API answers 503 with ``Retry-After`` and, because every write
runs in one transaction, nothing half-written stays behind.
"""

from __future__ import annotations

import sqlite3

from django.db import InterfaceError, OperationalError

RETRY_AFTER_SECONDS = 5

# SQLSTATE classes: 08 connection exception, 57P operator intervention (the
# server shutting down, or not yet accepting connections).
UNAVAILABLE_SQLSTATES = ("08", "57P")
# 40001 serialization failure, 40P01 deadlock: the transaction can simply be retried.
CONFLICT_SQLSTATES = ("40001", "40P01")


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def database_unavailable(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        # SQLite raises OperationalError for bad SQL too; only "busy" is an outage.
        return "locked" in str(cause) or "unable to open" in str(cause)
    sqlstate = _sqlstate(exc)
    # No SQLSTATE: the server never answered (connection refused, or lost).
    return sqlstate is None or sqlstate.startswith(UNAVAILABLE_SQLSTATES)


def transaction_conflict(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and _sqlstate(exc) in CONFLICT_SQLSTATES
