"""What a server process does once, after it has loaded the project and before it serves."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> None:
    """Import the URL conf, then take everything loaded so far out of garbage collection.

    A server process keeps its modules, views and serializers for its whole
    life, yet the collector walks them again on every full collection, and a
    response of a few thousand briefs triggers several: a busy event's
    response matrix took 102 ms with them and 57 ms without (in-process, large
    benchmark data). ``gc.freeze()`` moves these objects to a permanent
    generation (and, when the server loads the app before forking, as
    gunicorn's ``--preload`` does, keeps the workers' copies of them shared);
    objects created afterwards are collected as usual.
    """
    # Loaded lazily on the first request otherwise, after the freeze.
    get_resolver().url_patterns  # noqa: B018
    # Garbage of the start-up itself would otherwise be kept for good.
    gc.collect()
    gc.freeze()
