"""Positions: the list (counted, paged by offset or cursor), a detail, the CSV export."""

from __future__ import annotations

import base64
import csv
import datetime
from collections.abc import Iterator
from typing import Any

import psycopg

from bench.floor.common import (
    COUNT_CAP,
    DATABASE_URL,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    OPTIONS,
    Request,
    actor_brief,
    connection,
    day,
    event_brief,
    first,
    remove_query_param,
    replace_query_param,
    source_briefs,
    stamp,
)

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
