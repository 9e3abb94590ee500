"""CSV downloads: the page with ?format=csv or Accept: text/csv, every row with export/."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_actor, make_event, make_position, make_source
from tests.resources import RESOURCES, Resource

pytestmark = pytest.mark.django_db


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert "\r\n" in text  # RFC 4180 line endings
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
def test_every_list_downloads_as_csv(api_client: APIClient, resource: Resource) -> None:
    instance = resource.make()
    url = reverse(f"api:{resource.basename}-list")
    by_format = read_csv(api_client.get(url, {"format": "csv"}))
    by_accept = read_csv(api_client.get(url, HTTP_ACCEPT="text/csv"))
    exported = read_csv(api_client.get(reverse(f"api:{resource.basename}-export")))
    assert by_format == by_accept == exported
    assert [row["id"] for row in by_format] == [str(instance.pk)]


def test_position_columns_are_flat(api_client: APIClient) -> None:
    source = make_source()
    eu = make_actor(slug="european-union", name="European Union", kind="supranational_union")
    position = make_position(actor=eu, stance="threaten", sources=[source])
    [row] = read_csv(api_client.get(reverse("api:position-list"), {"format": "csv"}))
    assert row["actor_slug"] == "european-union"
    assert row["actor_name"] == "European Union"
    assert row["actor_kind"] == "supranational_union"
    assert row["event_slug"] == position.event.slug  # type: ignore[union-attr]
    assert row["stance"] == "threaten"
    assert row["source_ids"] == str(source.pk)
    assert row["stated_on"] == ""


def test_csv_follows_the_filters_and_the_page(api_client: APIClient) -> None:
    event = make_event()
    for stance in ("condemn", "condemn", "condemn", "justify"):
        make_position(event=event, stance=stance)
    url = reverse("api:position-list")
    assert len(read_csv(api_client.get(url, {"format": "csv", "stance": "condemn"}))) == 3
    assert len(read_csv(api_client.get(url, {"format": "csv", "limit": "2"}))) == 2
    assert len(read_csv(api_client.get(reverse("api:position-export"), {"stance": "justify"}))) == 1


def test_the_export_streams_every_row_not_a_page(api_client: APIClient) -> None:
    for number in range(60):
        make_source(title=f"Source {number}")
    response = api_client.get(reverse("api:source-export"), {"limit": "5"})
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="sources-60-records.csv"'
    assert response["X-Total-Count"] == "60"
    assert len(read_csv(response)) == 60


def test_formulas_are_neutralised_and_text_is_quoted(api_client: APIClient) -> None:
    for title in ('=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)", 'He said "no", twice'):
        make_source(title=title)
    rows = read_csv(api_client.get(reverse("api:source-export"), {"ordering": "title"}))
    titles = {row["title"] for row in rows}
    assert titles == {
        '\'=HYPERLINK("http://evil")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        'He said "no", twice',
    }


def test_non_latin_text_survives(api_client: APIClient) -> None:
    make_actor(name="Україна", aliases=["Ukraina", "Украина"])
    [row] = read_csv(api_client.get(reverse("api:actor-export")))
    assert row["name"] == "Україна"
    assert row["aliases"] == "Ukraina|Украина"


def test_a_bad_filter_is_a_400_in_csv_too(api_client: APIClient) -> None:
    response = api_client.get(reverse("api:position-export"), {"stance": "applaud"})
    assert response.status_code == 400
    assert "stance" in response.content.decode()


def test_details_do_not_pretend_to_be_csv(api_client: APIClient) -> None:
    actor = make_actor()
    response = api_client.get(
        reverse("api:actor-detail", kwargs={"slug": actor.slug}), HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 406


def test_the_export_uses_a_fixed_number_of_queries(
    api_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        make_position()
    # The count, the rows, then the source ids of the one chunk; or, on
    # PostgreSQL, the count and a COPY inside a savepoint (set and released).
    with django_assert_max_num_queries(4):
        response = api_client.get(reverse("api:position-export"))
        assert len(read_csv(response)) == 30


def csv_body(response: Any) -> str:
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8")


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
def test_the_export_is_the_list_csv_byte_for_byte(
    api_client: APIClient, resource: Resource
) -> None:
    # On PostgreSQL the export's lines are made by the database, the page's
    # by Python: they must not differ by a byte.
    for _ in range(3):
        resource.make()
    page = csv_body(api_client.get(reverse(f"api:{resource.basename}-list"), {"format": "csv"}))
    export = csv_body(api_client.get(reverse(f"api:{resource.basename}-export")))
    assert export == page


def test_awkward_text_is_written_alike_by_both_paths(api_client: APIClient) -> None:
    from responses.models import Position

    texts = [
        "line one\nline two",
        "carriage\rreturn",
        'He said "no", twice',
        "=1+1",
        "-minus",
        "@at",
        "\ttab first",
        "a, b",
        "",
        "Україна",
        # SQLite's query separates cells with U+001F: a text holding one is
        # written by Python, with or without another reason to quote.
        "unit\x1fseparator",
        "unit\x1fseparator, and a comma",
    ]
    sources = [make_source(), make_source()]
    actor = make_actor(slug="-dash", name="=Actor")
    for number, text in enumerate(texts):
        make_position(actor=actor, summary=text or "x", quote=text, sources=sources)
        if number % 2:  # a time with no microseconds is written without them
            Position.objects.filter(quote=text).update(
                created_at=datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.UTC)
            )
    url = reverse("api:position-list")
    page = csv_body(api_client.get(url, {"format": "csv", "limit": "100"}))
    export = csv_body(api_client.get(reverse("api:position-export")))
    assert export == page
    assert "2024-05-01T12:00:00+00:00" in export
    rows = list(csv.DictReader(io.StringIO(export)))
    assert sorted(row["quote"] for row in rows) == sorted(
        "'" + text if text[:1] in ("=", "-", "@", "\t") else text for text in texts
    )
    assert {row["actor_name"] for row in rows} == {"'=Actor"}


def test_the_database_writes_the_lines_of_a_position_export(api_client: APIClient) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_position(sources=[make_source(), make_source()])
    with CaptureQueriesContext(connection) as queries:
        export = csv_body(api_client.get(reverse("api:position-export")))
    assert len(export.splitlines()) == 2
    count, rows = [query["sql"] for query in queries if "responses_position" in query["sql"]]
    assert "COUNT(" in count
    # The sources are in the same query, and the line is made there.
    joined = "array_to_string" if connection.vendor == "postgresql" else "group_concat"
    assert joined in rows
    assert MADE_BY_THE_DATABASE[connection.vendor] in rows


# What marks a query whose rows are the export's lines: PostgreSQL's COPY
# writes the CSV, SQLite's query writes each line's cells in one printf().
MADE_BY_THE_DATABASE = {"postgresql": "COPY (", "sqlite": "printf("}
# The resources whose export lines the database writes; the others have a column
# it does not (JSON, decimals, booleans) and are written by Python.
LINES_FROM_THE_DATABASE = {"membership", "conflict", "position", "source", "status-change"}


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
def test_the_database_writes_the_export_lines_of_the_resources_it_can(
    api_client: APIClient, resource: Resource
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    resource.make()
    with CaptureQueriesContext(connection) as queries:
        csv_body(api_client.get(reverse(f"api:{resource.basename}-export")))
    marker = MADE_BY_THE_DATABASE[connection.vendor]
    made_by_the_database = any(marker in query["sql"] for query in queries)
    assert made_by_the_database is (resource.basename in LINES_FROM_THE_DATABASE)


def test_dates_related_slugs_and_a_leading_carriage_return_are_written_alike(
    api_client: APIClient,
) -> None:
    from tests.factories import make_conflict

    # Many-valued slugs come sorted, dates as ISO dates, and a text that starts
    # with a carriage return is a formula to a spreadsheet: the same on both paths.
    conflict = make_conflict(
        started_on=datetime.date(2022, 2, 24), started_on_precision="day", summary="\rreturn first"
    )
    conflict.parties.set([make_actor(slug="zeta"), make_actor(slug="-alpha")])
    make_position(stated_on=datetime.date(2024, 5, 1), stated_on_precision="day", quote="\rx")
    for basename in ("conflict", "position"):
        page = csv_body(api_client.get(reverse(f"api:{basename}-list"), {"format": "csv"}))
        export = csv_body(api_client.get(reverse(f"api:{basename}-export")))
        assert export == page
    rows = list(csv.DictReader(io.StringIO(export)))
    assert rows[0]["stated_on"] == "2024-05-01"
    assert rows[0]["quote"] == "'\rx"
    conflicts = csv_body(api_client.get(reverse("api:conflict-export")))
    [row] = list(csv.DictReader(io.StringIO(conflicts)))
    assert row["party_slugs"] == "'-alpha|zeta"
    assert row["started_on"] == "2022-02-24"
    assert row["summary"] == "'\rreturn first"
