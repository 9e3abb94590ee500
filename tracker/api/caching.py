"""Hot reads served from the cache, made stale by any write.

A cached answer is the JSON body's data and the headers the view set
(paging links, counts, ETag), keyed by the host, the full path and query,
and the media type, and stored with the data version (tracker.freshness) it
was computed at. Any committed write moves the version, so the next read of
anything computes afresh: coarse, but always correct, and writes are rare
next to reads. The version and the answer are read in one round trip. Only JSON answers of
GET requests are cached, after authentication, permissions and throttling
have run. A cached list or detail still answers ``If-None-Match`` and
``If-Modified-Since`` with a 304. A hit builds no queryset and no serializer.

On when ``API_CACHE_SECONDS`` is above 0: by default when ``REDIS_URL`` is
set, since a cache local to each process cannot see another process's write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.conditional import not_modified, not_modified_response
from tracker.freshness import VERSION_KEY, data_version, pinned_version

CACHED_HEADERS = ("X-Total-Count", "Link", "ETag", "Last-Modified")


def cache_seconds() -> int:
    return int(getattr(settings, "API_CACHE_SECONDS", 0))


def cache_key(request: Request) -> str | None:
    renderer = getattr(request, "accepted_renderer", None)
    if request.method != "GET" or getattr(renderer, "format", None) != "json":
        return None
    address = f"{request.get_host()}{request.get_full_path()}|{request.accepted_media_type}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"tracker:response:{digest}"


def version_and_entry(key: str) -> tuple[int, Any]:
    """The data version and what the cache holds under ``key``, in one round trip."""
    pinned = pinned_version()
    if pinned is not None:
        return pinned, cache.get(key)
    found = cache.get_many([VERSION_KEY, key])
    if VERSION_KEY not in found:
        return data_version(), None
    return int(found[VERSION_KEY]), found.get(key)


def cached_response(request: Request, compute: Callable[[], Any]) -> Any:
    """The cached answer to this request, or ``compute()``'s, cached when it is a 200."""
    seconds = cache_seconds()
    key = cache_key(request) if seconds > 0 else None
    if key is None:
        return compute()
    # Read before computing: an answer computed while a write commits is kept
    # under the version before it, which that write has already moved on.
    version, entry = version_and_entry(key)
    if entry is not None and entry[0] == version:
        _version, data, headers = entry
        if not_modified(request, headers.get("ETag"), headers.get("Last-Modified")):
            return not_modified_response(headers.get("ETag"), headers.get("Last-Modified"))
        return Response(data, headers=headers)
    response = compute()
    if isinstance(response, Response) and response.status_code == status.HTTP_200_OK:
        headers = {name: response[name] for name in CACHED_HEADERS if response.has_header(name)}
        cache.set(key, (version, response.data, headers), seconds)
    return response


class CachedReadMixin:
    """Caches ``list`` and ``retrieve`` (see the module's docstring)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return cached_response(
            request,
            lambda: super(CachedReadMixin, self).list(request, *args, **kwargs),  # type: ignore[misc]
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return cached_response(
            request,
            lambda: super(CachedReadMixin, self).retrieve(request, *args, **kwargs),  # type: ignore[misc]
        )
