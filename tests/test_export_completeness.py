"""An export says up front how many rows it holds, sends exactly that many, and
comes as JSON Lines with the same columns and filters as its CSV."""

from __future__ import annotations

import csv
import datetime
import io
import threading
from typing import Any

import orjson
import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Source
from tests.factories import make_actor, make_conflict, make_event, make_position, make_source
from tests.resources import RESOURCES, Resource

pytestmark = pytest.mark.django_db


def body(response: Any) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response).decode())))


def json_lines(response: Any) -> list[dict[str, Any]]:
    assert response["Content-Type"] == "application/jsonl"
    return [orjson.loads(line) for line in body(response).splitlines()]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
def test_every_export_announces_the_rows_it_sends_in_both_formats(
    api_client: APIClient, resource: Resource
) -> None:
    for _ in range(3):
        resource.make()
    url = reverse(f"api:{resource.basename}-export")
    # Each read to its end, as a client does: an export holds a stream until then.
    as_csv = api_client.get(url)
    rows = csv_rows(as_csv)
    as_jsonl = api_client.get(url, {"format": "jsonl"})
    lines = json_lines(as_jsonl)
    assert json_lines(api_client.get(url, HTTP_ACCEPT="application/jsonl")) == lines
    assert as_csv["X-Total-Count"] == as_jsonl["X-Total-Count"] == "3"
    assert as_jsonl["Content-Disposition"] == (
        f'attachment; filename="{resource.basename}s-3-records.jsonl"'
    )
    assert len(rows) == len(lines) == 3
    # The same columns, in the same order, for the same records.
    assert [list(line) for line in lines] == [list(row) for row in rows]
    assert [str(line["id"]) for line in lines] == [row["id"] for row in rows]


def test_json_lines_keep_json_types(api_client: APIClient) -> None:
    source = make_source()
    position = make_position(stance="threaten", sources=[source])
    [line] = json_lines(api_client.get(reverse("api:position-export"), {"format": "jsonl"}))
    assert line["id"] == position.pk
    assert line["stance"] == "threaten"
    assert line["source_ids"] == [source.pk]
    assert line["stated_on"] is None
    assert line["created_at"].startswith(str(position.created_at.year))


def test_json_lines_follow_the_filters(api_client: APIClient) -> None:
    event = make_event()
    for stance in ("condemn", "condemn", "justify"):
        make_position(event=event, stance=stance)
    response = api_client.get(
        reverse("api:position-export"), {"format": "jsonl", "stance": "condemn"}
    )
    assert response["X-Total-Count"] == "2"
    assert {line["stance"] for line in json_lines(response)} == {"condemn"}


@pytest.mark.parametrize("ordering", [None, "stated_on", "-stance"])
def test_json_lines_come_in_the_lists_order(api_client: APIClient, ordering: str | None) -> None:
    event = make_event()
    for day, stance in zip([3, 1, 2, 1, 3, 2], ["condemn", "justify"] * 3, strict=True):
        make_position(
            event=event,
            stance=stance,
            stated_on=datetime.date(2024, 5, day),
            stated_on_precision="day",
        )
    make_position(event=event)  # undated
    params = {"ordering": ordering} if ordering else {}
    listed = api_client.get(reverse("api:position-list"), params).json()["results"]
    lines = json_lines(
        api_client.get(reverse("api:position-export"), {**params, "format": "jsonl"})
    )
    assert [line["id"] for line in lines] == [record["id"] for record in listed]


@pytest.mark.parametrize("rows_per_chunk", [1, 2, 3])
def test_chunks_of_any_size_make_the_rows_python_makes(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch, rows_per_chunk: int
) -> None:
    # Seven rows, some whose text holds SQLite's cell separator (written by
    # Python), some with a comma (quoted), in chunks that end anywhere: after
    # PostgreSQL's binary header, before its end mark, between special rows.
    event = make_event()
    for number in range(7):
        quote = "sep\x1fhere" if number % 3 == 0 else f"plain {number}, war"
        make_position(event=event, quote=quote, summary="war")
    url = reverse("api:position-export")
    monkeypatch.setattr("tracker.api.export_readers.ROWS_PER_CHUNK", rows_per_chunk)
    for params in ({}, {"q": "war"}, {"ordering": "-stance"}):
        made = [body(api_client.get(url, {**params, "format": name})) for name in ("csv", "jsonl")]
        with monkeypatch.context() as python_only:
            python_only.setattr("tracker.api.export._lines_from_the_database", lambda *args: None)
            by_python = [
                body(api_client.get(url, {**params, "format": name})) for name in ("csv", "jsonl")
            ]
        assert made == by_python
        assert made[0].count(b"\r\n") == len(made[1].splitlines()) + 1 == 8


def test_a_bad_filter_is_one_json_line_naming_the_field(api_client: APIClient) -> None:
    response = api_client.get(
        reverse("api:position-export"), {"format": "jsonl", "stance": "applaud"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/jsonl"
    [line] = response.content.splitlines()
    error = orjson.loads(line)
    assert error["errors"][0]["attr"] == "stance"


def test_an_empty_export_says_zero(api_client: APIClient) -> None:
    response = api_client.get(reverse("api:source-export"))
    assert response["X-Total-Count"] == "0"
    assert response["Content-Disposition"] == 'attachment; filename="sources-0-records.csv"'
    assert csv_rows(response) == []
    as_jsonl = api_client.get(reverse("api:source-export"), {"format": "jsonl"})
    assert as_jsonl["X-Total-Count"] == "0"
    assert body(as_jsonl) == b""


@pytest.mark.django_db(transaction=True)
def test_rows_written_during_an_export_do_not_change_what_it_sends(
    api_client: APIClient,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time; the snapshot is PostgreSQL's")
    for number in range(50):
        make_source(title=f"Source {number}")
    response: Any = api_client.get(reverse("api:source-export"))
    chunks = iter(response.streaming_content)
    received = [next(chunks)]  # the export has begun reading

    def write_elsewhere() -> None:
        # Another connection, as another request's would be.
        make_source(title="Written during the export")
        connection.close()

    writer = threading.Thread(target=write_elsewhere)
    writer.start()
    writer.join()
    received += list(chunks)
    rows = list(csv.DictReader(io.StringIO(b"".join(received).decode())))
    assert response["X-Total-Count"] == "50"
    assert len(rows) == 50
    assert "Written during the export" not in {row["title"] for row in rows}
    response.close()


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
def test_json_lines_made_by_the_database_are_the_ones_python_makes(
    api_client: APIClient, resource: Resource, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        resource.make()
    url = reverse(f"api:{resource.basename}-export")
    made = json_lines(api_client.get(url, {"format": "jsonl"}))
    monkeypatch.setattr("tracker.api.export._lines_from_the_database", lambda *args: None)
    assert json_lines(api_client.get(url, {"format": "jsonl"})) == made


def test_awkward_values_keep_their_json_form(api_client: APIClient) -> None:
    from responses.models import Position

    quote = 'He said "no",\r\nthen =1+1 \\ Україна \u2028'
    sources = sorted([make_source(), make_source()], key=lambda source: source.pk)
    with_sources = make_position(quote=quote, sources=sources)
    plain = make_position(quote="")
    plain.sources.clear()
    exact = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
    Position.objects.filter(pk=plain.pk).update(created_at=exact)
    lines = {
        line["id"]: line
        for line in json_lines(api_client.get(reverse("api:position-export"), {"format": "jsonl"}))
    }
    assert lines[with_sources.pk]["quote"] == quote
    assert lines[with_sources.pk]["source_ids"] == [source.pk for source in sources]
    with_sources.refresh_from_db()
    assert lines[with_sources.pk]["created_at"] == with_sources.created_at.isoformat()
    assert lines[plain.pk]["source_ids"] == []
    assert lines[plain.pk]["created_at"] == "2024-05-01T12:00:00+00:00"


def test_head_gives_the_count_and_the_file_name_without_the_rows(
    api_client: APIClient, django_assert_num_queries: Any
) -> None:
    for _ in range(4):
        make_source()
    with django_assert_num_queries(1):  # the count
        response = api_client.head(reverse("api:source-export"), {"format": "jsonl"})
    assert response.status_code == 200
    assert response["X-Total-Count"] == "4"
    assert response["Content-Disposition"] == 'attachment; filename="sources-4-records.jsonl"'
    assert response.content == b""


def test_an_export_closed_before_its_rows_leaves_the_transaction_around_it_usable(
    api_client: APIClient,
) -> None:
    # Inside this test's transaction, as under ATOMIC_REQUESTS.
    make_source()
    response = api_client.get(reverse("api:source-export"))
    # As Django's test client closes a response: without closing the
    # connection, which would end the test's transaction.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert Source.objects.count() == 1


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_record_matched_by_two_slugs_is_one_row_ranked_or_not(
    api_client: APIClient, fmt: str
) -> None:
    first, second = make_actor(slug="first"), make_actor(slug="second")
    for number in range(3):
        make_conflict(name=f"War {number}", summary="A war").parties.set([first, second])
    filters = {"party": ["first", "second"], "q": "war", "ordering": "-relevance"}
    listed = api_client.get(reverse("api:conflict-list"), filters)
    assert listed.status_code == 200
    assert listed.json()["count"] == 3
    response = api_client.get(reverse("api:conflict-export"), {**filters, "format": fmt})
    lines = body(response).splitlines()
    assert response["X-Total-Count"] == "3"
    assert len(lines) == 3 + (fmt == "csv")
