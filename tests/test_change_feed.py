"""The change feed lets a mirror apply creations, edits and deletions in order."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_actor, make_measure, make_source

pytestmark = pytest.mark.django_db

FEED = reverse("api:change-list")


def read(client: APIClient, **params: str) -> dict[str, Any]:
    response = client.get(FEED, params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_mirror_sees_creations_updates_and_deletions_in_order(
    api_client: APIClient, curator_client: APIClient
) -> None:
    start = read(api_client)["next_cursor"]
    created = curator_client.post(
        reverse("api:actor-list"), {"slug": "ukraine", "name": "Ukraine", "kind": "state"}
    )
    assert created.status_code == 201
    curator_client.patch(created["Location"], {"short_name": "UA"})
    curator_client.delete(created["Location"])
    feed = read(api_client, since=start)
    assert [(row["resource"], row["key"], row["action"]) for row in feed["results"]] == [
        ("actors", "ukraine", "created"),
        ("actors", "ukraine", "updated"),
        ("actors", "ukraine", "deleted"),
    ]
    assert feed["results"][0]["url"] == "http://testserver/api/v1/actors/ukraine/"
    assert feed["results"][2]["url"] is None
    assert feed["next_cursor"] == feed["results"][-1]["cursor"]
    assert read(api_client, since=feed["next_cursor"])["results"] == []


def test_the_feed_pages_forward(api_client: APIClient) -> None:
    for _ in range(5):
        make_source()
    first = read(api_client, limit="2")
    assert first["has_more"] is True
    second = api_client.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert int(second["results"][0]["cursor"]) > int(first["results"][-1]["cursor"])


def test_deleting_a_measure_reports_its_status_changes_too(
    api_client: APIClient, curator_client: APIClient
) -> None:
    measure = make_measure()
    curator_client.post(
        reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
        {"to": "proposed", "source": make_source().pk},
    )
    start = read(api_client)["next_cursor"]
    assert (
        curator_client.delete(reverse("api:measure-detail", kwargs={"pk": measure.pk})).status_code
        == 204
    )
    deleted = {(row["resource"], row["action"]) for row in read(api_client, since=start)["results"]}
    assert deleted == {("measures", "deleted"), ("status-changes", "deleted")}


def test_the_feed_filters_by_resource_and_action(api_client: APIClient) -> None:
    make_actor()
    make_source()
    rows = read(api_client, resource="sources")["results"]
    assert {row["resource"] for row in rows} == {"sources"}
    assert read(api_client, action="deleted")["results"] == []


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"since": "-1"}, "since"),
        ({"since": "abc"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"resource": "planets"}, "resource"),
    ],
)
def test_bad_feed_parameters_are_a_400(
    api_client: APIClient, params: dict[str, str], attr: str
) -> None:
    response = api_client.get(FEED, params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr
