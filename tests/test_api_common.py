"""Behaviour every resource shares: reads, writes, permissions, paging, query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.resources import RESOURCES, WRITABLE, Resource

pytestmark = pytest.mark.django_db


def list_url(resource: Resource) -> str:
    return reverse(f"api:{resource.basename}-list")


def detail_url(resource: Resource, key: object) -> str:
    kwarg = "slug" if resource.lookup == "slug" else "pk"
    return reverse(f"api:{resource.basename}-detail", kwargs={kwarg: key})


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
class TestReads:
    def test_anyone_can_list(self, api_client: APIClient, resource: Resource) -> None:
        instance = resource.make()
        response = api_client.get(list_url(resource))
        assert response.status_code == 200
        assert response.data["count"] == 1
        assert response.data["results"][0]["url"].endswith(
            detail_url(resource, resource.key(instance))
        )

    def test_anyone_can_read_one(self, api_client: APIClient, resource: Resource) -> None:
        instance = resource.make()
        response = api_client.get(detail_url(resource, resource.key(instance)))
        assert response.status_code == 200
        assert response.data["id"] == instance.pk

    def test_a_missing_record_is_a_404(self, api_client: APIClient, resource: Resource) -> None:
        response = api_client.get(
            detail_url(resource, "no-such-record" if resource.lookup == "slug" else 999999)
        )
        assert response.status_code == 404
        assert response.json()["type"] == "client_error"

    def test_listing_costs_the_same_queries_for_any_page_size(
        self, api_client: APIClient, resource: Resource
    ) -> None:
        # The count, the page, and one query per prefetched relation: never one per row.
        resource.make()
        with CaptureQueriesContext(connection) as one_row:
            assert api_client.get(list_url(resource)).status_code == 200
        for _ in range(6):
            resource.make()
        with CaptureQueriesContext(connection) as seven_rows:
            assert api_client.get(list_url(resource)).status_code == 200
        assert len(seven_rows) == len(one_row), [q["sql"] for q in seven_rows.captured_queries]


@pytest.mark.parametrize("resource", WRITABLE, ids=lambda r: r.basename)
class TestWrites:
    def test_anonymous_clients_cannot_create(
        self, api_client: APIClient, resource: Resource
    ) -> None:
        response = api_client.post(list_url(resource), resource.create_body(), format="json")
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "not_authenticated"

    def test_users_without_permission_cannot_create(
        self, reader_client: APIClient, resource: Resource
    ) -> None:
        body = resource.create_body()
        before = self._count(resource)
        response = reader_client.post(list_url(resource), body, format="json")
        assert response.status_code == 403
        assert self._count(resource) == before

    def test_a_curator_creates_and_gets_its_location(
        self, curator_client: APIClient, resource: Resource
    ) -> None:
        response = curator_client.post(list_url(resource), resource.create_body(), format="json")
        assert response.status_code == 201, response.json()
        assert response["Location"] == response.data["url"]
        assert curator_client.get(response["Location"]).status_code == 200

    def test_a_curator_updates(self, curator_client: APIClient, resource: Resource) -> None:
        instance = resource.make()
        url = detail_url(resource, resource.key(instance))
        response = curator_client.patch(url, resource.patch, format="json")
        assert response.status_code == 200, response.json()
        for field, value in resource.patch.items():
            assert response.data[field] == value

    def test_anonymous_clients_cannot_update_or_delete(
        self, api_client: APIClient, resource: Resource
    ) -> None:
        instance = resource.make()
        url = detail_url(resource, resource.key(instance))
        assert api_client.patch(url, resource.patch, format="json").status_code == 401
        assert api_client.delete(url).status_code == 401
        assert type(instance)._default_manager.filter(pk=instance.pk).exists()

    def test_a_curator_deletes_an_unreferenced_record(
        self, curator_client: APIClient, resource: Resource
    ) -> None:
        instance = resource.make()
        response = curator_client.delete(detail_url(resource, resource.key(instance)))
        assert response.status_code == 204
        assert not type(instance)._default_manager.filter(pk=instance.pk).exists()

    def test_malformed_json_is_a_400(self, curator_client: APIClient, resource: Resource) -> None:
        response = curator_client.post(
            list_url(resource), "{not json", content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["type"] == "client_error"

    @staticmethod
    def _count(resource: Resource) -> int:
        from django.apps import apps

        model = {
            "actor": "actors.Actor",
            "membership": "actors.Membership",
            "conflict": "responses.Conflict",
            "event": "responses.Event",
            "position": "responses.Position",
            "measure": "responses.Measure",
            "source": "responses.Source",
        }[resource.basename]
        return apps.get_model(model).objects.count()


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.basename)
def test_lists_refuse_malformed_paging(api_client: APIClient, resource: Resource) -> None:
    for params, name in (
        ({"limit": "-1"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"limit": "x"}, "limit"),
    ):
        response = api_client.get(list_url(resource), params)
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == name


def test_a_limit_above_the_maximum_is_capped(api_client: APIClient) -> None:
    from tests.factories import make_source

    for _ in range(3):
        make_source()
    response = api_client.get(reverse("api:source-list"), {"limit": 10**9})
    assert response.status_code == 200
    assert len(response.data["results"]) == 3


def test_status_changes_are_read_only(curator_client: APIClient) -> None:
    response = curator_client.post(reverse("api:status-change-list"), {}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_recorded_status_change_cannot_be_rewritten(
    curator_client: APIClient, method: str
) -> None:
    from responses.lifecycle import transition_measure
    from tests.factories import make_measure, make_source

    change = transition_measure(make_measure(), to="proposed", source=make_source())
    url = reverse("api:status-change-detail", args=[change.pk])
    response = getattr(curator_client, method)(url, {}, format="json")
    assert response.status_code == 405
