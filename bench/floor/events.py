"""Events: a detail, the response matrix, and the follow-through statistics."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bench.floor.common import (
    ACTOR_KINDS,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    STANCES,
    STATUSES,
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
