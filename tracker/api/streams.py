"""A cap on the streamed responses (CSV exports) one server process sends at once.

A streamed response keeps its thread, and its database connection, until the
client has read the last byte: a dozen clients reading slowly would otherwise
hold every thread of every worker, and /healthz with the rest of the API would
wait behind them. Past ``EXPORT_STREAMS_PER_PROCESS`` an export is refused at
once with a 503 and Retry-After, before anything is sent, so no client ever
gets a response cut short; the slot is given back when the server closes the
response, whether the client read it all or hung up.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Generator, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import StreamingHttpResponse

from tracker.api.errors import ExportsBusy


class Slot:
    """One streamed response's share of the cap; giving it back twice is harmless."""

    def __init__(self, streams: StreamSlots) -> None:
        self.streams = streams
        self.held = True

    def release(self) -> None:
        self.streams.release(self)


class StreamSlots:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open = 0

    def take(self) -> Slot:
        """A slot, or ExportsBusy when every one is taken."""
        with self.lock:
            # Read at each call, so that override_settings applies in tests.
            if self.open >= settings.EXPORT_STREAMS_PER_PROCESS:
                raise ExportsBusy()
            self.open += 1
            return Slot(self)

    def release(self, slot: Slot) -> None:
        with self.lock:
            if slot.held:
                slot.held = False
                self.open -= 1


EXPORT_STREAMS = StreamSlots()


class SlotStreamingHttpResponse(StreamingHttpResponse):
    """A StreamingHttpResponse that holds ``slot`` (taken with
    ``EXPORT_STREAMS.take()``, before the work of the response begins) and
    gives it back when it is closed.

    The slot is given back as soon as the last byte has been produced, and in
    any case when the response is closed: the WSGI server closes every response
    it was given, complete or not (PEP 3333), but a client that reads the whole
    body need not close it (werkzeug's test client does not). The finalizer
    covers a response dropped before it reached the server.
    """

    def __init__(
        self,
        streaming_content: Generator[bytes, None, None],
        *args: Any,
        slot: Slot,
        **kwargs: Any,
    ) -> None:
        super().__init__(released_at_end(streaming_content, slot), *args, **kwargs)
        self.slot = slot
        self.chunks = streaming_content
        weakref.finalize(self, slot.release)

    def close(self) -> None:
        try:
            # The content first: its transaction and cursor end now, before
            # request_finished looks at the connection, whether or not the
            # body was ever read.
            self.chunks.close()
        finally:
            self.slot.release()
            super().close()


def released_at_end(content: Iterable[bytes], slot: Slot) -> Iterator[bytes]:
    try:
        yield from content
    finally:
        slot.release()
