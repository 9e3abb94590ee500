"""What every answer of the floor shares: the connection, DRF's formatting, briefs."""

from __future__ import annotations

import datetime
import os
import threading
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

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
