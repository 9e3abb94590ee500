"""ETags let clients cache reads and keep two curators from overwriting each other."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.http import parse_http_date
from rest_framework.test import APIClient

from responses.models import Position
from tests.factories import (
    make_actor,
    make_conflict,
    make_event,
    make_measure,
    make_membership,
    make_position,
    make_source,
    make_status_change,
)
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db


def position_url(position: Position) -> str:
    return reverse("api:position-detail", kwargs={"pk": position.pk})


def test_a_detail_carries_an_etag_and_last_modified(api_client: APIClient) -> None:
    response = api_client.get(position_url(make_position()))
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")


def test_an_unchanged_record_is_a_304(api_client: APIClient) -> None:
    position = make_position()
    etag = api_client.get(position_url(position))["ETag"]
    response = api_client.get(position_url(position), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert not response.content


def test_a_change_to_a_nested_actor_changes_the_etag(api_client: APIClient) -> None:
    position = make_position()
    etag = api_client.get(position_url(position))["ETag"]
    position.actor.name = "Renamed"
    position.actor.save()
    response = api_client.get(position_url(position), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_write_with_a_stale_etag_is_a_412_and_changes_nothing(
    curator_client: APIClient,
) -> None:
    position = make_position(summary="First words.")
    stale = curator_client.get(position_url(position))["ETag"]
    first = curator_client.patch(
        position_url(position), {"summary": "Alice's edit."}, HTTP_IF_MATCH=stale
    )
    assert first.status_code == 200
    assert first["ETag"] != stale
    second = curator_client.patch(
        position_url(position), {"summary": "Bob's edit."}, HTTP_IF_MATCH=stale
    )
    assert second.status_code == 412
    assert second.json()["errors"][0]["code"] == "precondition_failed"
    position.refresh_from_db()
    assert position.summary == "Alice's edit."


def test_the_etag_of_a_write_is_the_etag_of_the_next_read(curator_client: APIClient) -> None:
    position = make_position()
    written = curator_client.patch(position_url(position), {"summary": "New."})
    assert curator_client.get(position_url(position))["ETag"] == written["ETag"]


def test_a_delete_with_a_stale_etag_is_refused(curator_client: APIClient) -> None:
    actor = make_actor()
    url = reverse("api:actor-detail", kwargs={"slug": actor.slug})
    response = curator_client.delete(url, HTTP_IF_MATCH='"stale"')
    assert response.status_code == 412
    current = curator_client.get(url)["ETag"]
    assert curator_client.delete(url, HTTP_IF_MATCH=current).status_code == 204


def test_a_transition_from_a_status_that_changed_meanwhile_is_a_409(
    curator_client: APIClient,
) -> None:
    measure = make_measure()
    source = make_source()
    url = reverse("api:measure-transitions", kwargs={"pk": measure.pk})
    body = {"to": "proposed", "expected": "threatened", "source": source.pk}
    assert curator_client.post(url, body).status_code == 201
    response = curator_client.post(url, {**body, "to": "withdrawn"})
    assert response.status_code == 409
    assert "proposed now, not threatened" in response.json()["errors"][0]["detail"]
    measure.refresh_from_db()
    assert measure.status == "proposed"
    assert measure.status_changes.count() == 1


def test_a_transition_with_a_stale_etag_is_a_412(curator_client: APIClient) -> None:
    measure = make_measure()
    detail = reverse("api:measure-detail", kwargs={"pk": measure.pk})
    stale = curator_client.get(detail)["ETag"]
    url = reverse("api:measure-transitions", kwargs={"pk": measure.pk})
    source = make_source().pk
    curator_client.post(url, {"to": "proposed", "source": source}, HTTP_IF_MATCH=stale)
    response = curator_client.post(url, {"to": "adopted", "source": source}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    measure.refresh_from_db()
    assert measure.status == "proposed"


POSITIONS = "/api/v1/positions/"


def test_a_list_carries_an_etag_and_the_latest_change_of_its_page(api_client: APIClient) -> None:
    make_position()
    latest = make_position()
    response = api_client.get(POSITIONS)
    assert response["ETag"].startswith('"')
    assert parse_http_date(response["Last-Modified"]) == int(latest.updated_at.timestamp())


def test_an_unchanged_list_is_a_304_by_etag_or_by_date(api_client: APIClient) -> None:
    make_position()
    first = api_client.get(POSITIONS)
    by_etag = api_client.get(POSITIONS, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = api_client.get(POSITIONS, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag["ETag"] == first["ETag"]
    assert not by_etag.content


def test_a_changed_list_answers_in_full(api_client: APIClient) -> None:
    position = make_position()
    first = api_client.get(POSITIONS)
    position.summary = "Changed"
    position.save()
    response = api_client.get(POSITIONS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response.json()["results"][0]["summary"] == "Changed"


def test_a_detail_unchanged_since_a_date_is_a_304(api_client: APIClient) -> None:
    position = make_position()
    modified = api_client.get(position_url(position))["Last-Modified"]
    response = api_client.get(position_url(position), HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 304
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert api_client.get(position_url(position), HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_every_answer_the_schema_says_can_be_a_304_is_one() -> None:
    """The schema documents validators and a 304 only where the code gives them."""
    # A record of every kind (an empty list has an ETag but no date).
    make_membership()
    make_status_change()
    make_position(event=make_event(conflict=make_conflict()), sources=[make_source()])
    schema = committed_schema()
    client = APIClient()
    documented = [
        address
        for address, operations in schema["paths"].items()
        if "304" in operations.get("get", {}).get("responses", {})
    ]
    assert len(documented) >= 16
    for address in documented:
        head, _, last = address.rstrip("/").rpartition("/")
        if last.startswith("{"):
            # A record: the first of its list, by the key the path names.
            first = client.get(f"{head}/").json()["results"][0]
            address = address.replace(last, str(first[last.strip("{}")]))
        answer = client.get(address)
        assert answer.status_code == 200, address
        by_etag = client.get(address, HTTP_IF_NONE_MATCH=answer["ETag"])
        assert "Last-Modified" in answer, address
        by_date = client.get(address, HTTP_IF_MODIFIED_SINCE=answer["Last-Modified"])
        assert (by_etag.status_code, by_date.status_code) == (304, 304), address
    assert not [address for address in documented if re.search(r"/(export|matrix)/$", address)]
