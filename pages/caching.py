"""Pages kept in the shared cache and validated with an ETag, both by the data version.

A page shows only tracker data, the same for everyone, so the data version
(tracker.freshness) says when it can change: its ETag is that version, and
the rendered page is cached under it as the API's hot reads are
(tracker.api.caching). Both only when that cache is on, which means shared
by every process: with a cache local to each process, another process's
write would not move this one's version, and a stale page would pass for
current.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from tracker.api.caching import cache_seconds, version_and_entry
from tracker.api.conditional import matches


def page_key(request: HttpRequest) -> str:
    address = f"{request.get_host()}{request.get_full_path()}"
    return f"tracker:page:{hashlib.sha256(address.encode()).hexdigest()}"


def cached_page(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """``render()``'s page, or the cached one of the current data version, or a 304."""
    seconds = cache_seconds()
    if seconds <= 0 or request.method not in ("GET", "HEAD"):
        return render()
    key = page_key(request)
    version, entry = version_and_entry(key)
    etag = f'"page-{version}"'
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and matches(if_none_match, etag, weak=True):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    if entry is not None and entry[0] == version:
        response = HttpResponse(entry[1])
    else:
        response = render()
        if response.status_code != 200:
            return response
        cache.set(key, (version, response.content), seconds)
    response["ETag"] = etag
    return response
