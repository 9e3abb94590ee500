"""An export's rows, counted and read in one snapshot of the data.

``counted_in_one_snapshot`` opens a transaction that sees one snapshot,
counts the rows, and returns the count with a generator that reads them
from a server-side cursor, chunk by chunk, and turns them into the bytes of
the response. The count is known before the first byte, and it is the
number of rows sent, whatever is written meanwhile.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterator
from typing import Any, cast

from django.db import connections, transaction
from django.db.models import QuerySet

CHUNK_SIZE = 2000


def _chunks_of(values: QuerySet) -> Generator[list[Any], None, None]:
    """The rows of a ``values_list()`` queryset, ``CHUNK_SIZE`` at a time, from a
    server-side cursor that is closed when the generator is.

    Called inside a transaction (``counted_in_one_snapshot``): outside one, a
    server-side cursor is declared WITH HOLD, and PostgreSQL then computes and
    stores every row before the first is sent (seconds, for a million).
    """
    # A generator: closing it closes the cursor now, inside the transaction.
    rows = cast(Generator[Any, None, None], values.iterator(chunk_size=CHUNK_SIZE))
    try:
        while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
            yield chunk
    finally:
        rows.close()


# How an export turns the chunks of rows it reads into the bytes it sends.
Body = Callable[[Iterator[Any]], Iterator[bytes]]
# What an export reads: a values_list() queryset, read in chunks from a
# server-side cursor, or a function that reads the rows in chunks of its own.
Rows = QuerySet | Callable[[], Generator[Any, None, None]]


def counted_in_one_snapshot(
    queryset: QuerySet, values: Rows, body: Body
) -> tuple[int, Generator[bytes, None, None]]:
    """How many rows ``queryset`` has, and the bytes ``body`` makes of the rows
    of ``values`` (the same records), read in one transaction that sees one
    snapshot of the data: the number announced up front is the number of rows
    sent, whatever is written meanwhile.

    PostgreSQL's default (READ COMMITTED) takes a snapshot per statement; its
    REPEATABLE READ keeps the first one. SQLite's transaction is one snapshot.
    The transaction stays open while the bytes are read, until the response
    closes the generator.
    """
    stream = _snapshot(queryset, values, body)
    count = next(stream)
    assert isinstance(count, int)
    return count, cast(Generator[bytes, None, None], stream)


def _snapshot(queryset: QuerySet, values: Rows, body: Body) -> Generator[int | bytes, None, None]:
    connection = connections[queryset.db]
    # Inside a transaction already (a test's), the isolation level is that one's.
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=queryset.db, savepoint=False):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                # JIT compiles a query's expressions before its first row (up
                # to seconds for an export's); the count and the rows run once.
                cursor.execute("SET LOCAL jit = off")
        try:
            yield queryset.count()
            # This generator owns the cursor: closing it (the response does,
            # when the client has everything or has gone) closes the cursor
            # before the transaction ends, whichever of the generators made
            # from it is where the export stopped.
            chunks = _chunks_of(values) if isinstance(values, QuerySet) else values()
            try:
                yield from body(chunks)
            finally:
                chunks.close()
        except GeneratorExit:
            # The client went away, before the rows or among them. A read has
            # nothing to undo: leaving the block normally keeps an enclosing
            # transaction usable.
            pass
