"""What a server process does once, after it has loaded the project and before it serves."""

from __future__ import annotations

import gc

# The collector's thresholds while serving (Python's default is 700, 10, 10).
# While the response matrix of the busiest event of the large benchmark data
# is built, the default ran some thirty young collections, and now and then a
# full one that walks everything the process holds, the growing response
# included: 12 ms of collection per matrix on average, 2.6 ms at these
# thresholds (in-process). Almost all of a request's garbage is freed by
# reference counting; what only the collector frees (cycles) now waits for
# 50,000 new objects, a few megabytes at most.
COLLECTOR_THRESHOLDS = (50_000, 20, 20)


def settle() -> None:
    """Import the URL conf, take everything loaded so far out of garbage collection,
    and collect less often.

    A server process keeps its modules, views and serializers for its whole
    life, yet the collector walks them again on every full collection, and a
    response of a few thousand briefs triggers several: a busy event's
    response matrix took 102 ms with them and 57 ms without (in-process, large
    benchmark data). ``gc.freeze()`` moves these objects to a permanent
    generation (and, when the server loads the app before forking, as
    gunicorn's ``--preload`` does, keeps the workers' copies of them shared);
    objects created afterwards are collected as usual, at
    ``COLLECTOR_THRESHOLDS``.
    """
    from django.urls import get_resolver

    # Loaded lazily on the first request otherwise, after the freeze.
    get_resolver().url_patterns  # noqa: B018
    # Garbage of the start-up itself would otherwise be kept for good.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
