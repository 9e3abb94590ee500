"""Every list in a written record is bounded, and resolved in one query.

A list over its bound is refused before anything is looked up, naming the
field; a list within it costs the same number of queries whatever its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from responses.models import Position
from tests.factories import make_actor, make_event, make_measure, make_position, make_source
from tests.openapi import committed_schema
from tests.responses.importing import (
    SOURCE_URL,
    WORLD,
    load,
    load_rejected,
    position,
    write_jsonl,
)
from tests.test_admin_import_export import upload
from tracker.imports import SEPARATOR
from tracker.limits import (
    LIST_LIMITS,
    MAX_ACTORS,
    MAX_ALIASES,
    MAX_IMPACTS,
    MAX_RELATED_EVENTS,
    MAX_SOURCES,
)

pytestmark = pytest.mark.django_db


def errors_by_attr(response: Any) -> dict[str | None, list[str]]:
    found: dict[str | None, list[str]] = {}
    for error in response.json()["errors"]:
        found.setdefault(error["attr"], []).append(error["detail"])
    return found


def queries_on(table: str, captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if f'"{table}"' in query["sql"]]


def position_body(sources: list[Any]) -> dict[str, Any]:
    return {
        "actor": make_actor().slug,
        "event": make_event().slug,
        "stance": "condemn",
        "summary": "Condemns the strike.",
        "sources": sources,
    }


def event_body(**lists: Any) -> dict[str, Any]:
    return {"slug": "strike", "title": "Strike", "kind": "other", "sources": [1], **lists}


# Keys no record has: a query that looks one up would name it.
MISSING_ID = 900_001
MISSING_SLUG = "nobody-here"


def missing_ids(count: int) -> list[int]:
    return list(range(MISSING_ID, MISSING_ID + count))


def missing_slugs(count: int) -> list[str]:
    return [f"{MISSING_SLUG}-{n}" for n in range(count)]


# (endpoint, body with an over-long list, field, table its keys would be looked up in)
OVER_LONG: list[tuple[str, Callable[[], dict[str, Any]], str, str | None]] = [
    (
        "api:position-list",
        lambda: position_body(missing_ids(MAX_SOURCES + 1)),
        "sources",
        "responses_source",
    ),
    (
        "api:conflict-list",
        lambda: {"slug": "war", "name": "War", "parties": missing_slugs(MAX_ACTORS + 1)},
        "parties",
        "actors_actor",
    ),
    (
        "api:conflict-list",
        lambda: {"slug": "war", "name": "War", "sources": missing_ids(MAX_SOURCES + 1)},
        "sources",
        "responses_source",
    ),
    (
        "api:event-list",
        lambda: event_body(participants=missing_slugs(MAX_ACTORS + 1)),
        "participants",
        "actors_actor",
    ),
    (
        "api:event-list",
        lambda: event_body(
            related_events=[
                {"relation": "follows", "event": slug}
                for slug in missing_slugs(MAX_RELATED_EVENTS + 1)
            ]
        ),
        "related_events",
        None,  # the event's own slug is checked for uniqueness in the same table
    ),
    (
        "api:event-list",
        lambda: event_body(impacts=["fire"] * (MAX_IMPACTS + 1)),
        "impacts",
        None,
    ),
    (
        "api:actor-list",
        lambda: {"slug": "x", "name": "X", "kind": "state", "aliases": ["U.N."] * 101},
        "aliases",
        None,
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "table"), OVER_LONG)
def test_a_list_over_its_bound_is_a_400_naming_the_field_before_any_lookup(
    curator_client: APIClient,
    path: str,
    body: Callable[[], dict[str, Any]],
    field: str,
    table: str | None,
) -> None:
    data = body()
    with CaptureQueriesContext(connection) as captured:
        response = curator_client.post(reverse(path), data, format="json")
    assert response.status_code == 400, response.json()
    limit = LIST_LIMITS[field]
    # Only the bound is reported: the items were not even checked.
    assert errors_by_attr(response)[field] == [
        f"Ensure this field has no more than {limit} elements."
    ]
    if table is not None:
        assert queries_on(table, captured) == []
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert str(MISSING_ID) not in sql
    assert MISSING_SLUG not in sql


def test_a_patch_with_twenty_thousand_sources_is_refused_without_looking_them_up(
    curator_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    position = make_position()
    url = reverse("api:position-detail", kwargs={"pk": position.pk})
    # The user, the position with its prefetched relations, and the savepoints.
    with django_assert_max_num_queries(12):
        response = curator_client.patch(url, {"sources": list(range(1, 20_001))}, format="json")
    assert response.status_code == 400
    assert errors_by_attr(response) == {
        "sources": [f"Ensure this field has no more than {MAX_SOURCES} elements."]
    }


def test_a_list_at_its_bound_is_accepted(curator_client: APIClient) -> None:
    sources = [make_source().pk for _ in range(MAX_SOURCES)]
    response = curator_client.post(
        reverse("api:position-list"), position_body(sources), format="json"
    )
    assert response.status_code == 201, response.json()
    assert Position.objects.get().sources.count() == MAX_SOURCES


def test_unknown_keys_are_all_named_in_one_error(curator_client: APIClient) -> None:
    known = make_source().pk
    response = curator_client.post(
        reverse("api:position-list"), position_body([known, 10_001, 10_002]), format="json"
    )
    assert response.status_code == 400
    assert errors_by_attr(response) == {"sources": ["There is no source with id 10001, 10002."]}
    response = curator_client.post(
        reverse("api:conflict-list"),
        {"slug": "war", "name": "War", "parties": [make_actor().slug, "atlantis", "narnia"]},
        format="json",
    )
    assert errors_by_attr(response) == {
        "parties": ["There is no actor with slug atlantis, narnia."]
    }


def test_a_key_of_the_wrong_type_in_a_list_is_named(curator_client: APIClient) -> None:
    response = curator_client.post(
        reverse("api:position-list"), position_body([make_source().pk, "one"]), format="json"
    )
    assert response.status_code == 400
    assert errors_by_attr(response) == {"sources": ["Expected the id of a source, got str."]}


def test_an_unknown_related_event_is_named_on_its_item(curator_client: APIClient) -> None:
    make_event(slug="call")
    response = curator_client.post(
        reverse("api:event-list"),
        event_body(
            sources=[make_source().pk],
            related_events=[
                {"relation": "follows", "event": "call"},
                {"relation": "follows", "event": "atlantis"},
            ],
        ),
        format="json",
    )
    assert response.status_code == 400
    assert errors_by_attr(response) == {
        "related_events.1.event": ["There is no event with slug atlantis."]
    }


def queries_by_size(
    client: APIClient, path: str, body: Callable[[str, int], dict[str, Any]]
) -> list[int]:
    """The queries of creating a record whose lists hold 2, then 30 items.

    A first create comes before, unmeasured: caches filled once per process
    (content types, permissions) are not the lists' cost.
    """
    counts = []
    for slug, size in (("warm-up", 1), ("few", 2), ("many", 30)):
        data = body(slug, size)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse(path), data, format="json")
        assert response.status_code == 201, response.json()
        counts.append(len(captured.captured_queries))
    return counts[1:]


def test_the_queries_of_a_position_do_not_grow_with_its_sources(
    curator_client: APIClient,
) -> None:
    def body(slug: str, size: int) -> dict[str, Any]:
        return position_body([make_source().pk for _ in range(size)])

    few, many = queries_by_size(curator_client, "api:position-list", body)
    assert few == many


def test_the_queries_of_an_event_do_not_grow_with_its_lists(curator_client: APIClient) -> None:
    def body(slug: str, size: int) -> dict[str, Any]:
        return {
            "slug": slug,
            "title": slug,
            "kind": "other",
            "participants": [make_actor().slug for _ in range(size)],
            "related_events": [
                {"relation": "follows", "event": make_event().slug} for _ in range(size)
            ],
            "sources": [make_source().pk for _ in range(size)],
        }

    few, many = queries_by_size(curator_client, "api:event-list", body)
    assert few == many


def test_the_queries_of_a_conflict_do_not_grow_with_its_parties(
    curator_client: APIClient,
) -> None:
    def body(slug: str, size: int) -> dict[str, Any]:
        return {
            "slug": slug,
            "name": slug,
            "parties": [make_actor().slug for _ in range(size)],
            "sources": [make_source().pk for _ in range(size)],
        }

    few, many = queries_by_size(curator_client, "api:conflict-list", body)
    assert few == many


def request_arrays(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every array property of every request component, by component.property."""
    found = {}
    for name, component in schema["components"]["schemas"].items():
        if not name.endswith("Request"):
            continue
        for prop, spec in component.get("properties", {}).items():
            if spec.get("type") == "array" and not spec.get("readOnly"):
                found[f"{name}.{prop}"] = spec
    return found


def test_every_list_a_request_can_write_has_max_items_in_the_schema() -> None:
    arrays = request_arrays(committed_schema())
    assert {
        "PositionRequest.sources",
        "MeasureRequest.sources",
        "EventRequest.participants",
        "EventRequest.related_events",
        "EventRequest.impacts",
        "ConflictRequest.parties",
        "ActorRequest.aliases",
    } <= set(arrays)
    unbounded = [name for name, spec in arrays.items() if "maxItems" not in spec]
    assert unbounded == []
    assert arrays["PositionRequest.sources"]["maxItems"] == MAX_SOURCES
    assert arrays["EventRequest.participants"]["maxItems"] == MAX_ACTORS


def test_measure_sources_are_bounded_on_patch(curator_client: APIClient) -> None:
    measure = make_measure()
    response = curator_client.patch(
        reverse("api:measure-detail", kwargs={"pk": measure.pk}),
        {"sources": [1] * (MAX_SOURCES + 1)},
        format="json",
    )
    assert response.status_code == 400
    assert list(errors_by_attr(response)) == ["sources"]


def test_import_records_refuses_an_over_long_list_naming_the_field(tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, *WORLD, name="world"))
    out = load_rejected(
        write_jsonl(
            tmp_path,
            position(sources=[SOURCE_URL] * (MAX_SOURCES + 1)),
            {
                "type": "actor",
                "slug": "un",
                "name": "United Nations",
                "kind": "international_organization",
                "aliases": [f"U.N. {n}" for n in range(MAX_ALIASES + 1)],
            },
            {
                "type": "event",
                "slug": "summit",
                "title": "Summit",
                "kind": "summit",
                "participants": missing_slugs(MAX_ACTORS + 1),
                "sources": [SOURCE_URL],
            },
        )
    )
    assert (
        f"line 1 (position): sources: Ensure this field has no more than {MAX_SOURCES} elements."
    ) in out
    assert (
        f"line 2 (actor): aliases: Ensure this field has no more than {MAX_ALIASES} elements."
    ) in out
    assert (
        f"line 3 (event): participants: Ensure this field has no more than {MAX_ACTORS} elements."
    ) in out
    assert not Position.objects.exists()


def test_import_records_accepts_a_list_at_its_bound(tmp_path: Path) -> None:
    aliases = [f"U.N. {n}" for n in range(MAX_ALIASES)]
    load(
        write_jsonl(
            tmp_path,
            {"type": "actor", "slug": "un", "name": "UN", "kind": "other", "aliases": aliases},
        )
    )
    assert Actor.objects.get(slug="un").aliases == aliases


def test_the_admin_import_refuses_an_over_long_list_naming_the_field(
    admin_client: Client,
) -> None:
    make_actor(slug="ukraine")
    make_event(slug="kyiv-drone-strike")
    too_many = SEPARATOR.join(str(n) for n in missing_ids(MAX_SOURCES + 1))
    with CaptureQueriesContext(connection) as captured:
        preview = upload(
            admin_client,
            "admin:responses_position_import",
            "positions.csv",
            "id,actor_slug,event_slug,stance,summary,source_ids\r\n"
            f",ukraine,kyiv-drone-strike,condemn,Condemns.,{too_many}\r\n",
        )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))
    assert re.search(
        rf"Row Errors .*? 1 \d+ sources Ensure this field has no more than {MAX_SOURCES} "
        r"elements\. Column: source_ids\. ukraine",
        text,
    ), text[:3000]
    assert queries_on("responses_source", captured) == []
    assert not Position.objects.exists()


def test_the_admin_import_refuses_too_many_aliases(admin_client: Client) -> None:
    aliases = SEPARATOR.join(f"U.N. {n}" for n in range(MAX_ALIASES + 1))
    preview = upload(
        admin_client,
        "admin:actors_actor_import",
        "actors.csv",
        f"slug,name,kind,aliases\r\nun,United Nations,other,{aliases}\r\n",
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))
    assert f"aliases Ensure this field has no more than {MAX_ALIASES} elements" in text
    assert not Actor.objects.exists()
