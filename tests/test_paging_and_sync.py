"""Paging for people (limit/offset) and for services that sync (cursor)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Source
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def test_pages_carry_the_total_and_link_headers(api_client: APIClient) -> None:
    for _ in range(5):
        make_source()
    response = api_client.get(reverse("api:source-list"), {"limit": "2", "offset": "2"})
    assert response["X-Total-Count"] == "5"
    links = response["Link"]
    assert 'rel="next"' in links
    assert 'rel="prev"' in links
    assert "offset=4" in links


def walk(client: APIClient, url: str, params: dict[str, str], between: Any = None) -> list[int]:
    seen: list[int] = []
    response = client.get(url, {**params, "cursor": ""})
    while True:
        assert response.status_code == 200, response.json()
        assert response.json()["count"] is None
        seen.extend(row["id"] for row in response.json()["results"])
        if between is not None:
            between()
            between = None
        next_url = response.json()["next"]
        if next_url is None:
            return seen
        response = client.get(next_url)


def test_a_cursor_walk_sees_every_record_once_in_change_order(api_client: APIClient) -> None:
    sources = [make_source() for _ in range(7)]
    seen = walk(api_client, reverse("api:source-list"), {"limit": "3"})
    assert seen == [source.pk for source in sources]


def test_records_changed_during_a_walk_come_again_and_none_are_skipped(
    api_client: APIClient,
) -> None:
    sources = [make_source() for _ in range(7)]

    def edit_two_records() -> None:
        # One already seen, one not yet reached.
        for source in (sources[0], sources[5]):
            source.publisher = "Edited"
            source.save()

    seen = walk(api_client, reverse("api:source-list"), {"limit": "3"}, between=edit_two_records)
    assert set(seen) == {source.pk for source in sources}
    assert seen.count(sources[0].pk) == 2  # seen, then seen again with its new content
    assert seen[-2:] == [sources[0].pk, sources[5].pk]


def test_cursor_paging_combines_with_filters(api_client: APIClient) -> None:
    for kind in ("resolution", "news_article", "resolution"):
        make_source(kind=kind)
    seen = walk(api_client, reverse("api:source-list"), {"limit": "1", "kind": "resolution"})
    assert len(seen) == 2
    assert set(Source.objects.filter(pk__in=seen).values_list("kind", flat=True)) == {"resolution"}


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "", "offset": "3"}, "offset"),
        ({"cursor": "", "ordering": "title"}, "ordering"),
    ],
)
def test_bad_cursor_requests_are_a_400(
    api_client: APIClient, params: dict[str, str], attr: str
) -> None:
    response = api_client.get(reverse("api:source-list"), params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
