"""One number that changes whenever the tracker's data changes, shared by every app server.

Cached API responses are keyed by this data version, so a write makes every
cached read stale at once: the next read computes afresh (a write is visible
on the next read), without tracking which responses a record appears in. It
lives in the default cache: Redis when ``REDIS_URL`` is set, so all servers
share it; otherwise each process's local memory, which is why responses are
only cached when the cache is shared (see settings.API_CACHE_SECONDS).

The version moves when a transaction that wrote commits (not before, or a
read in between could cache the old data under the new version), on every
save, delete and many-to-many change of a tracker model, and after every
successful write request, which also covers bulk updates made in a view.
Commands that write in bulk without saving call ``data_changed()``.

Each request reads the version once, at its start, and keeps it. With read
replicas, each version is kept with a position in the primary's log that
covers every write before it (``position_of``); a read request goes only to
replicas that have replayed that far (tracker.db). So whoever sees a write's
new version, its author first, also sees the write, and a response cached
under a version holds that version's data.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

from tracker import db, replica_health

VERSION_KEY = "tracker:data-version"
LAST_WRITE_KEY = "tracker:last-write"
# A version's log position is needed only while that version is current; once
# it has expired, the next read asks the primary again.
POSITION_SECONDS = 600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# What a read answers when its replica fails it: 503 when the replica is gone,
# 409 when replaying the primary's changes cancelled it (a recovery conflict,
# reported as a serialization failure). A safe request has no other way to a 409.
REPLICA_FAILURES = frozenset({409, 503})


def _fresh_version() -> int:
    # Start from the clock, so a cache that lost the key never hands out an
    # old version again.
    return time.time_ns() // 1000


_request_version: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "tracker_request_version", default=None
)


@contextmanager
def one_version() -> Iterator[int]:
    """Within the block, ``data_version()`` keeps the value it has at its start."""
    token = _request_version.set(data_version())
    try:
        yield data_version()
    finally:
        _request_version.reset(token)


def pinned_version() -> int | None:
    """The version ``one_version()`` holds for this request, if it holds one."""
    return _request_version.get()


def data_version() -> int:
    pinned = _request_version.get()
    if pinned is not None:
        return pinned
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _fresh_version()
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return int(version)


def last_write() -> float:
    return float(cache.get(LAST_WRITE_KEY) or 0.0)


def position_of(version: int) -> int:
    """A position in the primary's log past every write made before ``version``."""
    key = f"tracker:log-position:{version}"
    position = cache.get(key)
    if position is None:
        # Asked after the version was read: it covers every write before it.
        position = replica_health.primary_position()
        cache.add(key, position, timeout=POSITION_SECONDS)
    return int(position)


def _bump() -> None:
    try:
        version = cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted)
        # add(), not set(): another server may have just started a version.
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.incr(VERSION_KEY)
    cache.set(LAST_WRITE_KEY, time.time(), timeout=None)
    if db.replicas():
        # Now, rather than at the first read of the new version, which would
        # then wait for the primary. The write has committed: if the primary
        # cannot answer now, that read asks again.
        with contextlib.suppress(DatabaseError):
            position_of(version)


def data_changed(using: str | None = None) -> None:
    """Call after writing tracker data without save(): on commit, reads see it."""
    transaction.on_commit(_bump, using=using)


def _on_write(sender: type[Model], using: str | None = None, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    data_changed(using)


def connect() -> None:
    for app in db.TRACKED_APPS:
        for model in apps.get_app_config(app).get_models():
            uid = f"freshness-{model._meta.label}"
            post_save.connect(_on_write, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_on_write, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                m2m_changed.connect(_on_write, sender=through, dispatch_uid=f"{uid}-{field.name}")


class WriteRequestMiddleware:
    """After a successful write request, the data version moves (whatever the view did)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writing = request.method not in SAFE_METHODS
        response = self.routed(request, writing) if db.replicas() else self.get_response(request)
        if writing and response.status_code < 400:
            _bump()
        return response

    def routed(self, request: HttpRequest, writing: bool) -> HttpResponse:
        """The response, its reads sent to the replicas that hold every write it must see."""
        with one_version() as version:
            replicas = [] if writing else replica_health.usable(db.replicas())
            if replicas:
                try:
                    replicas = replica_health.holding(replicas, position_of(version))
                except DatabaseError:
                    replicas = []  # the primary is down: the view says so (503)
            with db.reading_from(replicas), db.noting_replica_reads() as read_on_a_replica:
                response = self.get_response(request)
                if response.status_code in REPLICA_FAILURES and read_on_a_replica():
                    # A replica went away while this request read from it, or
                    # its replay cancelled the read: a safe request is
                    # answered again, from the primary.
                    replica_health.check_again()
                    with db.primary_only():
                        response = self.get_response(request)
        return response
