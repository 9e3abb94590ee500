"""The floor: the benchmark's requests answered with no framework at all.

A bare WSGI application (psycopg + orjson, no Django) that answers the
requests of the benchmark mix with the same JSON (and CSV) as the API, from
the same database, behind the same server and worker count. What it costs is
roughly what the hardware, PostgreSQL and the JSON itself cost; the API's
throughput as a share of the floor's is what Django, DRF and our code cost.

It runs the same queries as the API for lists and details, with the same
count strategy (exact up to a cap, the planner's estimate beyond), so the
comparison is of the code around the queries. For the follow-through
statistics it tallies in SQL (a CTE over each measure's history) where the
API reads one row per measure and tallies in Python. It only reads, and it
only knows the query parameters the mix uses.

    DATABASE_URL=postgres://... gunicorn bench.floor:application

This module routes; ``positions`` and ``events`` answer, from what ``common``
shares (the connection, DRF's formatting, the briefs).
"""

from __future__ import annotations

import gc
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from bench.floor.common import Request
from bench.floor.events import event_detail, event_matrix, follow_through
from bench.floor.positions import export_positions, position_detail, position_list

ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/api/v1/positions/$"), "positions"),
    (re.compile(r"^/api/v1/positions/export/$"), "export"),
    (re.compile(r"^/api/v1/positions/(\d+)/$"), "position"),
    (re.compile(r"^/api/v1/events/([-a-zA-Z0-9_]+)/matrix/$"), "matrix"),
    (re.compile(r"^/api/v1/events/([-a-zA-Z0-9_]+)/$"), "event"),
    (re.compile(r"^/api/v1/stats/follow-through/$"), "follow-through"),
]
JSON = ("Content-Type", "application/json")


def etag(body: dict[str, Any]) -> str:
    return f'"{hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]}"'


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    request = Request(environ)
    match, name = None, ""
    for pattern, route in ROUTES:
        match = pattern.match(request.path)
        if match:
            name = route
            break
    if match is None:
        start_response("404 Not Found", [JSON])
        return [b'{"type":"client_error"}']
    headers: dict[str, str] = {}
    if name == "export":
        start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
        return export_positions(request)
    if name == "positions":
        body, headers = position_list(request)
    elif name == "follow-through":
        body, headers = follow_through(request)
    else:
        key = match.group(1)
        found = {
            "position": lambda: position_detail(request, int(key)),
            "event": lambda: event_detail(request, key),
            "matrix": lambda: event_matrix(request, key),
        }[name]()
        if found is None:
            start_response("404 Not Found", [JSON])
            return [b'{"type":"client_error"}']
        body = found
        if name != "matrix":
            headers["ETag"] = etag(body)
    content = orjson.dumps(body)
    start_response("200 OK", [JSON, ("Content-Length", str(len(content))), *headers.items()])
    return [content]


# The API's entry points take what they loaded out of garbage collection
# (tracker.startup); the floor does the same, so neither pays for it.
gc.freeze()
