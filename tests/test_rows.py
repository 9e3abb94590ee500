"""Lists and details read as rows (tracker.api.rows) answer what the serializers answer.

Every resource is read twice over HTTP, once as rows and once with the row
reader switched off (through its serializer, model instances and all): the
bodies, and the headers that depend on them, are the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from actors.api.serializers import ActorSerializer, MembershipSerializer
from responses.api.serializers import (
    ConflictSerializer,
    EventSerializer,
    PositionSerializer,
    SourceSerializer,
    StatusChangeSerializer,
)
from responses.models import Event, Position
from tests.factories import make_membership, make_position, make_source, make_status_change
from tests.test_representations import varied_records
from tracker.api import rows
from tracker.api.routers import routers
from tracker.api.urls import APPS

pytestmark = pytest.mark.django_db

# Every resource that reads rows when its serializer allows.
LISTS = [
    f"/api/v1/{prefix}/"
    for router in routers(APPS)
    for prefix, viewset, _name in router.registry
    if issubclass(viewset, rows.RowReadMixin)
]


def read(path: str, **headers: Any) -> tuple[int, Any, dict[str, str]]:
    response = APIClient().get(path, **headers)
    names = ("ETag", "Last-Modified", "X-Total-Count", "Link")
    shown = {name: response[name] for name in names if response.has_header(name)}
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    return response.status_code, body, shown


def both_ways(path: str, monkeypatch: pytest.MonkeyPatch, **headers: Any) -> Any:
    as_rows = read(path, **headers)
    with monkeypatch.context() as patched:
        patched.setattr(rows, "reader_for", lambda serializer_class: None)
        as_records = read(path, **headers)
    assert as_rows == as_records, path
    return as_rows[1]


@pytest.fixture
def records() -> None:
    varied_records()
    make_membership()
    make_status_change()


@pytest.mark.parametrize(
    "serializer_class",
    [
        ActorSerializer,
        MembershipSerializer,
        SourceSerializer,
        ConflictSerializer,
        EventSerializer,
        PositionSerializer,
        StatusChangeSerializer,
    ],
)
def test_the_hot_resources_read_rows(serializer_class: type) -> None:
    assert rows.reader_for(serializer_class) is not None


@pytest.mark.usefixtures("records")
@pytest.mark.parametrize("path", LISTS)
def test_lists_and_details_answer_as_their_serializers(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = both_ways(f"{path}?limit=500", monkeypatch)
    assert page["results"], path
    for item in page["results"]:
        both_ways(item["url"], monkeypatch)
    both_ways(f"{path}?limit=2&offset=1", monkeypatch)
    # Sync cursor pages, followed to the end: the cursor comes from a row.
    cursor = f"{path}?limit=2&cursor="
    seen = 0
    for _page in range(page["count"]):
        body = both_ways(cursor, monkeypatch)
        seen += len(body["results"])
        cursor = body["next"]
        if cursor is None:
            break
    assert (seen, cursor) == (page["count"], None)


@pytest.mark.usefixtures("records")
def test_filters_search_and_ordering_read_the_same_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    for query in (
        "stance=condemn&stance=criticize",
        "ordering=-stated_on",
        "ordering=actor",
        "q=quote",
        "has_event=false",
    ):
        both_ways(f"/api/v1/positions/?{query}", monkeypatch)
    for query in ("ordering=title", "q=somewhere", "conflict=a-conflict"):
        both_ways(f"/api/v1/events/?{query}", monkeypatch)


@pytest.mark.usefixtures("records")
def test_details_obey_the_lists_filters_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    position = Position.objects.order_by("pk").first()
    assert position is not None
    other = "threaten" if position.stance != "threaten" else "condemn"
    detail = f"/api/v1/positions/{position.pk}/"
    assert both_ways(f"{detail}?stance={position.stance}", monkeypatch)["id"] == position.pk
    both_ways(f"{detail}?stance={other}", monkeypatch)
    assert read(f"{detail}?stance={other}")[0] == 404
    both_ways(f"{detail}?q=quote&ordering=-relevance", monkeypatch)
    both_ways(f"{detail}?stance=nonsense", monkeypatch)


@pytest.mark.usefixtures("records")
def test_a_detail_read_again_shows_what_changed_in_between() -> None:
    # Each class's rows are worked out once (RowReader.values_kept): never their results.
    position = Position.objects.order_by("pk").first()
    assert position is not None
    client = APIClient()
    assert client.get(f"/api/v1/positions/{position.pk}/").json()["summary"] == position.summary
    Position.objects.filter(pk=position.pk).update(summary="Said again, differently")
    again = client.get(f"/api/v1/positions/{position.pk}/")
    assert again.json()["summary"] == "Said again, differently"
    position.delete()
    assert client.get(f"/api/v1/positions/{position.pk}/").status_code == 404


@pytest.mark.usefixtures("records")
def test_unknown_records_and_bad_filters_answer_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for path in (
        "/api/v1/positions/999999/",
        "/api/v1/events/no-such-event/",
        "/api/v1/positions/?stance=nonsense",
        "/api/v1/positions/?limit=-1",
    ):
        both_ways(path, monkeypatch)


@pytest.mark.usefixtures("records")
def test_conditional_reads_answer_304_from_rows() -> None:
    client = APIClient()
    first = client.get("/api/v1/positions/")
    again = client.get("/api/v1/positions/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    detail = client.get(first.json()["results"][0]["url"])
    since = client.get(
        first.json()["results"][0]["url"], HTTP_IF_MODIFIED_SINCE=detail["Last-Modified"]
    )
    assert since.status_code == 304


@pytest.mark.usefixtures("records")
def test_the_browsable_api_shows_the_rows() -> None:
    response = APIClient().get("/api/v1/positions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "A quote" in response.content.decode()


@pytest.mark.usefixtures("records")
def test_a_list_counts_without_the_joins_of_its_rows() -> None:
    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/positions/")
    assert response.status_code == 200
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert counts, "the list counts its rows"
    assert all("JOIN" not in sql.upper() for sql in counts), counts


@pytest.mark.usefixtures("records")
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_json_and_browsable_reads_go_through_the_rows(
    accept: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    show, show_detail = rows.RowReader.show, rows.RowReader.show_detail

    def counted(reader: rows.RowReader, found: list[dict[str, Any]], *args: Any) -> Any:
        shown.append(f"{len(found)} rows")
        return show(reader, found, *args)

    def counted_detail(reader: rows.RowReader, *args: Any) -> Any:
        shown.append("a detail")
        return show_detail(reader, *args)

    monkeypatch.setattr(rows.RowReader, "show", counted)
    monkeypatch.setattr(rows.RowReader, "show_detail", counted_detail)
    client = APIClient()
    page = client.get("/api/v1/positions/", HTTP_ACCEPT=accept)
    assert page.status_code == 200
    position = Position.objects.order_by("pk").first()
    assert position is not None
    detail = client.get(f"/api/v1/positions/{position.pk}/", HTTP_ACCEPT=accept)
    assert detail.status_code == 200
    assert shown == [f"{Position.objects.count()} rows", "a detail"]


@pytest.mark.usefixtures("records")
def test_an_event_detail_reads_participants_and_related_events_only_when_it_has_some(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bare = Event.objects.filter(participants=None, relations=None).first()
    full = Event.objects.exclude(participants=None).exclude(relations=None).first()
    assert bare is not None
    assert full is not None
    for event, queries_expected in ((bare, 1), (full, 3)):
        path = f"/api/v1/events/{event.slug}/"
        body = both_ways(path, monkeypatch)
        # The record with its sources joined (saying whether it has any
        # participants or related events), then a query for each it has some of.
        with CaptureQueriesContext(connection) as queries:
            assert APIClient().get(path).status_code == 200
        assert len(queries) == queries_expected, [query["sql"] for query in queries]
        assert bool(body["participants"]) is bool(body["related_events"]) is (event == full)


@pytest.mark.parametrize("count", [0, 1, 3])
def test_a_position_detail_is_one_query_with_its_sources_in_order(
    count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = [date(2024, 3, 1), date(2025, 1, 2), date(2024, 3, 1)][:count]
    sources = [(day, make_source(published_on=day).pk) for day in published]
    position = make_position()
    position.sources.set([pk for _day, pk in sources])
    path = f"/api/v1/positions/{position.pk}/"
    body = both_ways(path, monkeypatch)
    # Newest first, then by key, as Source's own ordering says.
    expected = [
        pk for _day, pk in sorted(sources, key=lambda pair: (-pair[0].toordinal(), pair[1]))
    ]
    assert [brief["id"] for brief in body["sources"]] == expected
    with CaptureQueriesContext(connection) as queries:
        assert APIClient().get(path).status_code == 200
    assert len(queries) == 1, [query["sql"] for query in queries]
