"""Stopping a read that runs past its time, on PostgreSQL and on SQLite.

Facets count groups among every record a list matches; over a million
records some take longer than a page may. A read run ``within`` a time
limit is stopped by the database when the limit passes and raises
``TimedOut``; the connection stays usable for the rest of the request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connections, transaction


class TimedOut(Exception):
    """The read ran past its time limit and was stopped."""


@contextmanager
def within(seconds: float, using: str) -> Iterator[None]:
    """Runs the block's reads on database ``using`` for at most ``seconds``."""
    if seconds <= 0:
        raise TimedOut
    connection = connections[using]
    if connection.vendor == "postgresql":
        with _statement_timeout(seconds, using):
            yield
    elif connection.vendor == "sqlite":
        with _progress_deadline(seconds, using):
            yield
    else:
        yield


@contextmanager
def _statement_timeout(seconds: float, using: str) -> Iterator[None]:
    # SET LOCAL lasts until the transaction ends: set back at once, since the
    # block may run inside a longer transaction (a test's, or a request's).
    milliseconds = str(max(1, round(seconds * 1000)))
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [milliseconds])
        try:
            # A savepoint: a cancelled statement rolls back to it, not the request's work.
            with transaction.atomic(using=using):
                yield
        except OperationalError as error:
            if "statement timeout" not in str(error):
                raise
            raise TimedOut from error
        finally:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])


# SQLite calls the handler every this many virtual-machine instructions.
PROGRESS_INSTRUCTIONS = 10_000


@contextmanager
def _progress_deadline(seconds: float, using: str) -> Iterator[None]:
    connection = connections[using]
    connection.ensure_connection()
    deadline = time.monotonic() + seconds
    # sqlite3's own hook: a true answer interrupts the running statement.
    connection.connection.set_progress_handler(
        lambda: time.monotonic() > deadline, PROGRESS_INSTRUCTIONS
    )
    try:
        yield
    except OperationalError as error:
        if "interrupted" not in str(error):
            raise
        raise TimedOut from error
    finally:
        connection.connection.set_progress_handler(None, PROGRESS_INSTRUCTIONS)
