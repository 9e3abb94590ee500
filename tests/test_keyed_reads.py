"""JSON details read one record by SQL compiled once (tracker.api.compiled)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.test import RequestFactory
from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from actors.api.views import ActorViewSet, MembershipViewSet
from actors.models import Membership
from responses.api.views import (
    ConflictViewSet,
    EventViewSet,
    MeasureViewSet,
    PositionViewSet,
    SourceViewSet,
    StatusChangeViewSet,
)
from responses.models import Position
from responses.scenario import DEFAULT_SCENARIO, load_scenario
from tests.factories import make_conflict, make_membership, make_position, make_status_change
from tracker.api.compiled import keyed_read
from tracker.api.records import readable_as_records
from tracker.api.renderers import JSONRenderer
from tracker.api.representation import FastRepresentation

pytestmark = pytest.mark.django_db

BASENAMES = {
    ActorViewSet: "actor",
    MembershipViewSet: "membership",
    SourceViewSet: "source",
    ConflictViewSet: "conflict",
    EventViewSet: "event",
    PositionViewSet: "position",
    MeasureViewSet: "measure",
    StatusChangeViewSet: "status-change",
}
VIEWSETS = list(BASENAMES)


def detail_url(viewset: Any, record: Any) -> str:
    if viewset.lookup_field == "slug":
        return reverse(f"api:{BASENAMES[viewset]}-detail", kwargs={"slug": record.slug})
    return reverse(f"api:{BASENAMES[viewset]}-detail", kwargs={"pk": record.pk})


def drf_json(viewset: Any, instance: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The record as DRF's own serializer shows it, from a model instance."""
    with monkeypatch.context() as patched:
        patched.setattr(
            FastRepresentation, "to_representation", serializers.Serializer.to_representation
        )
        request = Request(RequestFactory().get("/", HTTP_HOST="testserver"))
        data = viewset.serializer_class(instance, context={"request": request}).data
    return json.loads(JSONRenderer().render(data))


def compilations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL of every query Django compiles from now on."""
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counting(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        sql, params = as_sql(self, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return compiled


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda viewset: viewset.__name__)
def test_a_json_detail_is_drfs_json_of_the_model_instance(
    viewset: Any, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_scenario(DEFAULT_SCENARIO)
    make_membership()
    make_status_change()
    assert readable_as_records(viewset.read_queryset)
    model = viewset.read_queryset.model
    instances = list(model._default_manager.all())
    assert instances
    shown = []
    for instance in instances:
        response = api_client.get(detail_url(viewset, instance))
        assert response.status_code == 200
        assert response.json() == drf_json(viewset, instance, monkeypatch)
        assert response["ETag"]
        shown.append(response.json())
    # Every to-many relation a detail shows is read for some record.
    for name, value in shown[0].items():
        if isinstance(value, list):
            assert any(body[name] for body in shown), name


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda viewset: viewset.__name__)
def test_details_are_compiled_once_whatever_the_key(
    viewset: Any, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_scenario(DEFAULT_SCENARIO)
    for _ in range(2):
        make_membership()
        make_status_change()
        make_conflict()
    first, *others = viewset.read_queryset.model._default_manager.all()[:3]
    assert others
    assert api_client.get(detail_url(viewset, first)).status_code == 200
    compiled = compilations(monkeypatch)
    for instance in others:
        response = api_client.get(detail_url(viewset, instance))
        assert response.status_code == 200
        assert response.json()["id"] == instance.pk
    assert compiled == []


def test_a_detail_answers_head_and_conditional_requests(api_client: APIClient) -> None:
    position = make_position()
    url = f"/api/v1/positions/{position.pk}/"
    response = api_client.get(url)
    assert response["Last-Modified"]
    assert api_client.head(url).status_code == 200
    again = api_client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


class NarrowedPositions(PositionViewSet):
    """A read narrowed in get_queryset, which the compiled read must not bypass."""

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(stance="condemn")


def test_a_read_narrowed_by_get_queryset_is_honoured() -> None:
    shown, hidden = make_position(stance="condemn"), make_position(stance="justify")
    view = NarrowedPositions.as_view({"get": "retrieve"})
    for position, status in ((shown, 200), (hidden, 404)):
        request = APIRequestFactory().get(f"/api/v1/positions/{position.pk}/", format="json")
        assert view(request, pk=str(position.pk)).status_code == status


def test_a_key_without_stand_ins_is_read_the_drf_way() -> None:
    # A date is no key the compiled read knows how to stand in for.
    assert keyed_read(object(), Position.objects.all(), "stated_on", "default") is None


def test_a_detail_with_a_filter_reads_through_the_filtered_queryset(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    position = make_position(stance="condemn")
    url = f"/api/v1/positions/{position.pk}/"
    assert api_client.get(url).status_code == 200
    compiled = compilations(monkeypatch)
    assert api_client.get(url, {"stance": "condemn"}).status_code == 200
    assert api_client.get(url, {"stance": "express_support"}).status_code == 404
    assert any("responses_position" in sql for sql in compiled)


def test_a_missing_or_changed_record_reads_afresh(api_client: APIClient) -> None:
    position = make_position(summary="Before")
    url = f"/api/v1/positions/{position.pk}/"
    assert api_client.get(url).json()["summary"] == "Before"
    Position.objects.filter(pk=position.pk).update(summary="After")
    assert api_client.get(url).json()["summary"] == "After"
    Position.objects.filter(pk=position.pk).delete()
    response = api_client.get(url)
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_sources_are_read_for_the_record_asked_for(api_client: APIClient) -> None:
    load_scenario(DEFAULT_SCENARIO)
    cited = [p for p in Position.objects.prefetch_related("sources") if p.sources.exists()]
    assert len(cited) >= 2
    for position in cited:
        shown = api_client.get(f"/api/v1/positions/{position.pk}/").json()["sources"]
        assert sorted(source["id"] for source in shown) == sorted(
            source.pk for source in position.sources.all()
        )


def test_a_membership_detail_reads_its_two_actors(api_client: APIClient) -> None:
    membership: Membership = make_membership()
    body = api_client.get(f"/api/v1/memberships/{membership.pk}/").json()
    assert body["member"]["slug"] == membership.member.slug
    assert body["organization"]["slug"] == membership.organization.slug


def test_the_browsable_api_still_shows_a_detail(api_client: APIClient) -> None:
    position = make_position()
    response = api_client.get(f"/api/v1/positions/{position.pk}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert position.summary in response.content.decode()
