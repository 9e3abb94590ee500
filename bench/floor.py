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
"""

from __future__ import annotations

import base64
import csv
import datetime
import gc
import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import orjson
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
COUNT_CAP = int(os.environ.get("API_EXACT_COUNT_LIMIT", "20000"))
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
STANCES = (
    ("condemn", "Condemn"),
    ("criticize", "Criticize"),
    ("accuse", "Accuse"),
    ("demand_accountability", "Demand accountability"),
    ("urge_ceasefire", "Urge ceasefire"),
    ("call_for_talks", "Call for talks"),
    ("call_for_restraint", "Call for restraint"),
    ("appeal_for_support", "Appeal for support"),
    ("express_support", "Express support"),
    ("justify", "Justify"),
    ("threaten", "Threaten"),
    ("other", "Other"),
)
ACTOR_KINDS = (
    "state",
    "international_organization",
    "supranational_union",
    "military_alliance",
    "government_body",
    "person",
    "informal_group",
    "non_state_armed_group",
    "ngo",
    "other",
)
STATUSES: tuple[str, ...] = ("threatened", "proposed", "adopted", "in_force", "suspended")
STATUSES += ("lifted", "withdrawn", "lapsed")

# The API's connection settings (tracker/settings.py).
OPTIONS = "-c jit=off -c cursor_tuple_fraction=1"
_local = threading.local()


def first(cur: psycopg.Cursor) -> Any:
    """The first column of the one row a query returns."""
    row = cur.fetchone()
    assert row is not None
    return row[0]


def connection() -> psycopg.Connection:
    conn = getattr(_local, "connection", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(DATABASE_URL, autocommit=True, options=OPTIONS)
        conn.execute("SET TIME ZONE 'UTC'")
        _local.connection = conn
    return conn


# Formatting, as DRF does it


def stamp(value: datetime.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def replace_query_param(url: str, key: str, value: Any) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params[key] = [str(value)]
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


def remove_query_param(url: str, key: str) -> str:
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    params.pop(key, None)
    return urlunsplit(
        (scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment)
    )


class Request:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.path = environ.get("PATH_INFO", "")
        self.query = environ.get("QUERY_STRING", "")
        self.params = parse_qs(self.query, keep_blank_values=True)
        self.base = f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
        self.url = self.base + self.path + (f"?{self.query}" if self.query else "")

    def one(self, name: str, default: str = "") -> str:
        return self.params.get(name, [default])[-1]

    def number(self, name: str, default: int) -> int:
        raw = self.one(name)
        return int(raw) if raw else default


# Briefs


def actor_brief(base: str, row: tuple[Any, ...], at: int) -> dict[str, Any] | None:
    slug = row[at]
    if slug is None:
        return None
    return {
        "url": f"{base}/api/v1/actors/{slug}/",
        "slug": slug,
        "name": row[at + 1],
        "short_name": row[at + 2],
        "kind": row[at + 3],
    }


def event_brief(base: str, row: tuple[Any, ...], at: int) -> dict[str, Any] | None:
    slug = row[at]
    if slug is None:
        return None
    return {
        "url": f"{base}/api/v1/events/{slug}/",
        "slug": slug,
        "title": row[at + 1],
        "kind": row[at + 2],
        "occurred_on": day(row[at + 3]),
        "occurred_on_precision": row[at + 4],
    }


def source_briefs(
    cur: psycopg.Cursor, base: str, link_table: str, column: str, keys: list[int]
) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {key: [] for key in keys}
    cur.execute(
        f"SELECT l.{column}, s.id, s.kind, s.title, s.publisher FROM {link_table} l "
        "JOIN responses_source s ON s.id = l.source_id "
        f"WHERE l.{column} = ANY(%s) ORDER BY s.published_on DESC, s.title, s.id",
        [keys],
    )
    for key, pk, kind, title, publisher in cur:
        found[key].append(
            {
                "url": f"{base}/api/v1/sources/{pk}/",
                "id": pk,
                "kind": kind,
                "title": title,
                "publisher": publisher,
            }
        )
    return found


# Positions

POSITION_COLUMNS = """
    p.id, p.stance, p.cameo_code, p.stated_on, p.stated_on_precision, p.summary, p.quote,
    p.language, p.created_at, p.updated_at,
    a.slug, a.name, a.short_name, a.kind,
    sp.slug, sp.name, sp.short_name, sp.kind,
    e.slug, e.title, e.kind, e.occurred_on, e.occurred_on_precision,
    t.slug, t.name, t.short_name, t.kind"""
POSITION_JOINS = """
    JOIN actors_actor a ON a.id = p.actor_id
    LEFT JOIN actors_actor sp ON sp.id = p.speaker_id
    LEFT JOIN responses_event e ON e.id = p.event_id
    LEFT JOIN actors_actor t ON t.id = p.target_id"""


def position_json(base: str, row: tuple[Any, ...], sources: list[dict[str, Any]]) -> dict:
    return {
        "url": f"{base}/api/v1/positions/{row[0]}/",
        "id": row[0],
        "actor": actor_brief(base, row, 10),
        "speaker": actor_brief(base, row, 14),
        "event": event_brief(base, row, 18),
        "target": actor_brief(base, row, 23),
        "stance": row[1],
        "cameo_code": row[2],
        "stated_on": day(row[3]),
        "stated_on_precision": row[4],
        "summary": row[5],
        "quote": row[6],
        "language": row[7],
        "sources": sources,
        "created_at": stamp(row[8]),
        "updated_at": stamp(row[9]),
    }


def position_filters(request: Request, cur: psycopg.Cursor) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if "q" in request.params:
        where.append("p.search_vector @@ websearch_to_tsquery('english'::regconfig, %s)")
        params.append(request.one("q").strip())
    if "actor" in request.params:
        # The ids first (as the API does), so the planner knows which actor it is.
        cur.execute("SELECT id FROM actors_actor WHERE slug = ANY(%s)", [request.params["actor"]])
        where.append("p.actor_id = ANY(%s)")
        params.append([row[0] for row in cur.fetchall()])
    if "stance" in request.params:
        where.append("p.stance = ANY(%s)")
        params.append(request.params["stance"])
    if "stated_after" in request.params:
        where.append("p.stated_on >= %s")
        params.append(request.one("stated_after"))
    if "stated_before" in request.params:
        where.append("p.stated_on <= %s")
        params.append(request.one("stated_before"))
    return where, params


def estimate_rows(cur: psycopg.Cursor, from_where: str, params: list[Any]) -> int:
    cur.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {from_where}", params)
    return int(first(cur)[0]["Plan"]["Plan Rows"])


def count_rows(cur: psycopg.Cursor, from_where: str, params: list[Any], *, search: bool) -> int:
    """Exact up to the cap; above it, the planner's estimate (as the API does).

    A text search asks for the estimate first and counts only below the cap.
    """
    if search:
        estimate = estimate_rows(cur, from_where, params)
        if estimate > COUNT_CAP:
            return estimate
    cur.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {from_where} LIMIT {COUNT_CAP + 1}) c", params
    )
    exact: int = first(cur)
    if exact <= COUNT_CAP:
        return exact
    return max(estimate_rows(cur, from_where, params), COUNT_CAP + 1)


def encode_cursor(updated_at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime.datetime, int]:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    when, pk = raw.rsplit("|", 1)
    return datetime.datetime.fromisoformat(when), int(pk)


def position_list(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    limit = min(request.number("limit", DEFAULT_LIMIT), MAX_LIMIT)
    cursor_mode = "cursor" in request.params
    count: int | None = None
    with connection().cursor() as cur:
        where, params = position_filters(request, cur)
        if cursor_mode:
            token = request.one("cursor")
            if token:
                updated_at, pk = decode_cursor(token)
                where.append("(p.updated_at, p.id) > (%s, %s)")
                params += [updated_at, pk]
            order, offset = "p.updated_at, p.id", 0
        else:
            order, offset = "p.stated_on DESC, p.id", request.number("offset", 0)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        if not cursor_mode:
            count = count_rows(
                cur, f"responses_position p{condition}", params, search="q" in request.params
            )
        cur.execute(
            f"SELECT {POSITION_COLUMNS} FROM responses_position p {POSITION_JOINS}{condition} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit + 1, offset],
        )
        rows = cur.fetchall()
        has_next, rows = len(rows) > limit, rows[:limit]
        sources = source_briefs(
            cur, request.base, "responses_position_sources", "position_id", [row[0] for row in rows]
        )
    results = [position_json(request.base, row, sources[row[0]]) for row in rows]
    headers: dict[str, str] = {}
    if cursor_mode:
        next_link = None
        if has_next:
            url = remove_query_param(request.url, "offset")
            next_link = replace_query_param(url, "cursor", encode_cursor(rows[-1][9], rows[-1][0]))
        previous_link = None
    else:
        next_link = previous_link = None
        if has_next:
            url = replace_query_param(request.url, "limit", limit)
            next_link = replace_query_param(url, "offset", offset + limit)
        if offset > 0:
            url = replace_query_param(request.url, "limit", limit)
            previous_link = (
                remove_query_param(url, "offset")
                if offset - limit <= 0
                else replace_query_param(url, "offset", offset - limit)
            )
        headers["X-Total-Count"] = str(count)
    links = [
        f'<{u}>; rel="{rel}"' for rel, u in (("next", next_link), ("prev", previous_link)) if u
    ]
    if links:
        headers["Link"] = ", ".join(links)
    body = {"count": count, "next": next_link, "previous": previous_link, "results": results}
    return body, headers


def position_detail(request: Request, pk: int) -> dict[str, Any] | None:
    with connection().cursor() as cur:
        cur.execute(
            f"SELECT {POSITION_COLUMNS} FROM responses_position p {POSITION_JOINS} WHERE p.id = %s",
            [pk],
        )
        row = cur.fetchone()
        if row is None:
            return None
        sources = source_briefs(
            cur, request.base, "responses_position_sources", "position_id", [pk]
        )
    return position_json(request.base, row, sources[pk])


# Events

EVENT_SQL = """
SELECT e.id, e.slug, e.title, e.kind, e.occurred_on, e.occurred_on_precision, e.location,
       e.country, e.summary, e.impacts, e.fatalities, e.injuries, e.created_at, e.updated_at,
       c.slug, c.name,
       i.slug, i.name, i.short_name, i.kind,
       t.slug, t.name, t.short_name, t.kind
FROM responses_event e
LEFT JOIN responses_conflict c ON c.id = e.conflict_id
LEFT JOIN actors_actor i ON i.id = e.initiator_id
LEFT JOIN actors_actor t ON t.id = e.target_id
WHERE e.slug = %s"""


def event_detail(request: Request, slug: str) -> dict[str, Any] | None:
    base = request.base
    with connection().cursor() as cur:
        cur.execute(EVENT_SQL, [slug])
        row = cur.fetchone()
        if row is None:
            return None
        pk = row[0]
        cur.execute(
            "SELECT a.slug, a.name, a.short_name, a.kind FROM responses_eventparticipant ep "
            "JOIN actors_actor a ON a.id = ep.actor_id WHERE ep.event_id = %s ORDER BY a.name",
            [pk],
        )
        participants = [actor_brief(base, actor, 0) for actor in cur.fetchall()]
        cur.execute(
            "SELECT r.relation, e.slug, e.title, e.kind, e.occurred_on, e.occurred_on_precision "
            "FROM responses_eventrelation r JOIN responses_event e ON e.id = r.to_event_id "
            "WHERE r.from_event_id = %s ORDER BY r.id",
            [pk],
        )
        related = [
            {"relation": relation[0], "event": event_brief(base, relation, 1)}
            for relation in cur.fetchall()
        ]
        sources = source_briefs(cur, base, "responses_event_sources", "event_id", [pk])[pk]
    conflict = None
    if row[14] is not None:
        conflict = {
            "url": f"{base}/api/v1/conflicts/{row[14]}/",
            "slug": row[14],
            "name": row[15],
        }
    return {
        "url": f"{base}/api/v1/events/{row[1]}/",
        "id": pk,
        "slug": row[1],
        "title": row[2],
        "kind": row[3],
        "conflict": conflict,
        "occurred_on": day(row[4]),
        "occurred_on_precision": row[5],
        "location": row[6],
        "country": row[7],
        "initiator": actor_brief(base, row, 16),
        "target": actor_brief(base, row, 20),
        "participants": participants,
        "summary": row[8],
        "impacts": row[9],
        "fatalities": row[10],
        "injuries": row[11],
        "related_events": related,
        "sources": sources,
        "created_at": stamp(row[12]),
        "updated_at": stamp(row[13]),
    }


def event_matrix(request: Request, slug: str) -> dict[str, Any] | None:
    base = request.base
    with connection().cursor() as cur:
        cur.execute(
            "SELECT e.id, e.slug, e.title, e.kind, e.occurred_on, e.occurred_on_precision "
            "FROM responses_event e WHERE e.slug = %s",
            [slug],
        )
        event = cur.fetchone()
        if event is None:
            return None
        cur.execute(
            "SELECT p.id, p.stance, p.summary, a.id, a.slug, a.name, a.short_name, a.kind "
            "FROM responses_position p JOIN actors_actor a ON a.id = p.actor_id "
            "WHERE p.event_id = %s ORDER BY a.name, p.actor_id, p.id",
            [event[0]],
        )
        positions = cur.fetchall()
    rows: dict[int, dict[str, Any]] = {}
    kinds: dict[int, str] = {}
    for pk, stance, summary, actor_id, *actor in positions:
        row = rows.get(actor_id)
        if row is None:
            row = rows[actor_id] = {
                "actor": actor_brief(base, tuple(actor), 0),
                "cells": {value: [] for value, _ in STANCES},
            }
            kinds[actor_id] = actor[3]
        row["cells"][stance].append(
            {
                "url": f"{base}/api/v1/positions/{pk}/",
                "id": pk,
                "stance": stance,
                "summary": summary,
            }
        )
    for row in rows.values():
        row["counts"] = {stance: len(cell) for stance, cell in row["cells"].items()}
        row["total"] = sum(row["counts"].values())

    def tally(selected: Iterable[dict[str, Any]]) -> dict[str, Any]:
        counts = {value: 0 for value, _ in STANCES}
        for row in selected:
            for stance, number in row["counts"].items():
                counts[stance] += number
        return {"counts": counts, "total": sum(counts.values())}

    by_kind = []
    for kind in ACTOR_KINDS:
        of_kind = [row for actor_id, row in rows.items() if kinds[actor_id] == kind]
        if of_kind:
            by_kind.append({"kind": kind, **tally(of_kind)})
    return {
        "event": event_brief(base, event, 1),
        "columns": [{"stance": value, "label": label} for value, label in STANCES],
        "rows": list(rows.values()),
        "totals": tally(rows.values()),
        "by_actor_kind": by_kind,
    }


# Follow-through: the page of actors first, then their statistics only.

FOLLOW_THROUGH_SQL = """
WITH changes AS (
    SELECT c.measure_id,
           bool_or(c.from_status = 'threatened') AS left_threat,
           bool_or(c.to_status IN ('adopted', 'in_force')) AS reached_adoption,
           (array_agg(c.changed_on ORDER BY c.created_at, c.id)
               FILTER (WHERE c.to_status IN ('adopted', 'in_force')))[1] AS adopted_on
    FROM responses_measurestatuschange c
    JOIN responses_measure m ON m.id = c.measure_id
    WHERE m.actor_id = ANY(%(actors)s)
    GROUP BY c.measure_id
), flags AS (
    SELECT m.id, m.actor_id, m.status, m.announced_on, ch.adopted_on,
           (m.status = 'threatened' OR coalesce(ch.left_threat, false)) AS was_threat,
           (m.status IN ('adopted', 'in_force') OR coalesce(ch.reached_adoption, false))
               AS was_adopted
    FROM responses_measure m LEFT JOIN changes ch ON ch.measure_id = m.id
    WHERE m.actor_id = ANY(%(actors)s)
)
SELECT actor_id, count(*),
       {statuses},
       count(*) FILTER (WHERE was_threat),
       count(*) FILTER (WHERE was_threat AND was_adopted),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY adopted_on - announced_on)
           FILTER (WHERE was_threat AND was_adopted),
       round(((count(*) FILTER (WHERE was_threat AND was_adopted))::float8
              / nullif(count(*) FILTER (WHERE was_threat), 0)::float8)::numeric(1000, 15), 3)
FROM flags GROUP BY actor_id
""".replace(
    "{statuses}",
    ", ".join(f"count(*) FILTER (WHERE status = '{status}')" for status in STATUSES),
)


def follow_through(request: Request) -> tuple[dict[str, Any], dict[str, str]]:
    limit = min(request.number("limit", DEFAULT_LIMIT), MAX_LIMIT)
    offset = request.number("offset", 0)
    with connection().cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM actors_actor a "
            "WHERE EXISTS (SELECT 1 FROM responses_measure m WHERE m.actor_id = a.id)"
        )
        count = first(cur)
        cur.execute(
            "SELECT a.id, a.slug, a.name, a.short_name, a.kind FROM actors_actor a "
            "WHERE EXISTS (SELECT 1 FROM responses_measure m WHERE m.actor_id = a.id) "
            "ORDER BY a.name, a.id LIMIT %s OFFSET %s",
            [limit, offset],
        )
        actors = cur.fetchall()
        cur.execute(FOLLOW_THROUGH_SQL, {"actors": [actor[0] for actor in actors]})
        stats = {row[0]: row for row in cur.fetchall()}
    results = []
    for actor in actors:
        row = stats[actor[0]]
        threats, carried_out = row[10], row[11]
        results.append(
            {
                "actor": actor_brief(request.base, actor, 1),
                "measures": row[1],
                **{status: row[2 + index] for index, status in enumerate(STATUSES)},
                "threats": threats,
                "carried_out": carried_out,
                "follow_through": None if row[13] is None else float(row[13]),
                "median_days_to_adoption": None if row[12] is None else float(row[12]),
            }
        )
    next_link = previous_link = None
    if offset + limit < count:
        url = replace_query_param(request.url, "limit", limit)
        next_link = replace_query_param(url, "offset", offset + limit)
    if offset > 0:
        url = replace_query_param(request.url, "limit", limit)
        previous_link = (
            remove_query_param(url, "offset")
            if offset - limit <= 0
            else replace_query_param(url, "offset", offset - limit)
        )
    headers = {"X-Total-Count": str(count)}
    links = [
        f'<{u}>; rel="{rel}"' for rel, u in (("next", next_link), ("prev", previous_link)) if u
    ]
    if links:
        headers["Link"] = ", ".join(links)
    return {
        "count": count,
        "next": next_link,
        "previous": previous_link,
        "results": results,
    }, headers


# CSV export of positions

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_HEADER = [
    "id",
    "actor_slug",
    "actor_name",
    "actor_kind",
    "speaker_slug",
    "speaker_name",
    "event_slug",
    "event_title",
    "target_slug",
    "target_name",
    "stance",
    "cameo_code",
    "stated_on",
    "stated_on_precision",
    "summary",
    "quote",
    "language",
    "created_at",
    "updated_at",
    "source_ids",
]
EXPORT_SQL = """
SELECT p.id, a.slug, a.name, a.kind, sp.slug, sp.name, e.slug, e.title, t.slug, t.name,
       p.stance, p.cameo_code, p.stated_on, p.stated_on_precision, p.summary, p.quote,
       p.language, p.created_at, p.updated_at
FROM responses_position p
JOIN actors_actor a ON a.id = p.actor_id
LEFT JOIN actors_actor sp ON sp.id = p.speaker_id
LEFT JOIN responses_event e ON e.id = p.event_id
LEFT JOIN actors_actor t ON t.id = p.target_id"""
CHUNK = 2000


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date | int):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class _Line:
    def write(self, line: str) -> str:
        return line


def export_positions(request: Request) -> Iterator[bytes]:
    with connection().cursor() as cur:
        where, params = position_filters(request, cur)
    condition = f" WHERE {' AND '.join(where)}" if where else ""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(EXPORT_HEADER).encode()
    # A server-side cursor needs its own transaction. No JIT, as for the API.
    conn = psycopg.connect(DATABASE_URL, options=OPTIONS)
    try:
        conn.execute("SET TIME ZONE 'UTC'")
        with conn.cursor(name="export") as rows, conn.cursor() as links:
            rows.itersize = CHUNK
            rows.execute(f"{EXPORT_SQL}{condition} ORDER BY p.stated_on DESC, p.id", params)
            while chunk := rows.fetchmany(CHUNK):
                links.execute(
                    "SELECT position_id, source_id FROM responses_position_sources "
                    "WHERE position_id = ANY(%s) ORDER BY position_id, source_id",
                    [[row[0] for row in chunk]],
                )
                sources: dict[int, list[str]] = {}
                for key, source in links:
                    sources.setdefault(key, []).append(str(source))
                out = [
                    writer.writerow(
                        [*(cell(value) for value in row), "|".join(sources.get(row[0], []))]
                    )
                    for row in chunk
                ]
                yield "".join(out).encode()
    finally:
        conn.close()


# Routing

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
