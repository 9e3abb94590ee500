"""The request mix: which URLs each endpoint of the benchmark is driven with.

The URLs are picked from the database itself (busiest actors and events,
a cursor 90% of the way through the positions, a date from which about a
tenth of the positions were stated), the same way at every scale, so the
small and large figures answer the same question.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import psycopg


@dataclass(frozen=True)
class Endpoint:
    name: str
    paths: list[str]
    concurrency: int = 4
    accept: str = "application/json"
    rows: int | None = None  # for exports: rows per request


PAGE = 100
DECADE = ("2010-01-01", "2019-12-31")


def cursor_token(updated_at: datetime.datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{updated_at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def one(row: tuple[Any, ...] | None) -> tuple[Any, ...]:
    assert row is not None, "the benchmark database is empty"
    return row


def build(database_url: str) -> list[Endpoint]:
    with psycopg.connect(database_url) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        total = one(conn.execute("SELECT count(*) FROM responses_position").fetchone())[0]
        # The busiest (actor, stance) pairs of the decade that fill a page: at
        # every scale the filtered list then returns 100 rows, so small and
        # large differ in the data behind the page, not in the page.
        pairs = conn.execute(
            "SELECT a.slug, p.stance FROM responses_position p "
            "JOIN actors_actor a ON a.id = p.actor_id "
            "WHERE p.stated_on BETWEEN %s AND %s GROUP BY a.id, p.stance "
            "HAVING count(*) >= %s ORDER BY count(*) DESC, a.id, p.stance LIMIT 10",
            [DECADE[0], DECADE[1], PAGE],
        ).fetchall()
        assert pairs, "no actor has a full page of positions of one stance"
        busy_events = [
            slug
            for (slug,) in conn.execute(
                "SELECT e.slug FROM responses_event e "
                "JOIN responses_position p ON p.event_id = e.id "
                "GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 20"
            )
        ]
        events = [
            slug
            for (slug,) in conn.execute(
                "SELECT slug FROM responses_event ORDER BY md5(id::text) LIMIT 200"
            )
        ]
        positions = [
            pk
            for (pk,) in conn.execute(
                "SELECT id FROM responses_position ORDER BY md5(id::text) LIMIT 200"
            )
        ]
        place = one(
            conn.execute(
                "SELECT location FROM responses_event GROUP BY location "
                "ORDER BY count(*) DESC, location LIMIT 1"
            ).fetchone()
        )[0]
        deep = one(
            conn.execute(
                "SELECT updated_at, id FROM responses_position ORDER BY updated_at, id "
                "OFFSET %s LIMIT 1",
                [int(total * 0.9) - 1],
            ).fetchone()
        )
        tenth = one(
            conn.execute(
                "SELECT stated_on FROM responses_position WHERE stated_on IS NOT NULL "
                "ORDER BY stated_on DESC OFFSET %s LIMIT 1",
                [total // 10],
            ).fetchone()
        )[0]
        export_rows = one(
            conn.execute(
                "SELECT count(*) FROM responses_position WHERE stated_on >= %s", [tenth]
            ).fetchone()
        )[0]
    filtered = [
        "/api/v1/positions/?"
        + urlencode(
            {
                "limit": PAGE,
                "actor": actor,
                "stance": stance,
                "stated_after": DECADE[0],
                "stated_before": DECADE[1],
            }
        )
        for actor, stance in pairs
    ]
    return [
        Endpoint("positions, 100 per page", ["/api/v1/positions/?limit=100"]),
        Endpoint("positions, actor+stance+dates", filtered),
        Endpoint("positions, q (a place name)", [f"/api/v1/positions/?limit=100&q={place}"]),
        Endpoint("positions, q=ceasefire", ["/api/v1/positions/?limit=100&q=ceasefire"]),
        Endpoint("event detail", [f"/api/v1/events/{slug}/" for slug in events]),
        Endpoint("position detail", [f"/api/v1/positions/{pk}/" for pk in positions]),
        Endpoint("response matrix", [f"/api/v1/events/{slug}/matrix/" for slug in busy_events]),
        Endpoint("follow-through", ["/api/v1/stats/follow-through/"]),
        Endpoint("cursor, first page", ["/api/v1/positions/?limit=100&cursor="]),
        Endpoint(
            "cursor, page at 90%",
            [f"/api/v1/positions/?limit=100&cursor={cursor_token(*deep)}"],
        ),
        Endpoint(
            f"CSV export, {export_rows} rows",
            [f"/api/v1/positions/export/?stated_after={tenth.isoformat()}"],
            concurrency=1,
            accept="text/csv",
            rows=export_rows,
        ),
    ]
