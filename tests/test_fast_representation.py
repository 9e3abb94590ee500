"""The fast read path gives exactly the JSON DRF's own serializers give."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from actors.api.serializers import ActorSerializer, MembershipSerializer
from actors.api.views import ActorViewSet, MembershipViewSet
from actors.models import Actor, Membership
from responses.api.serializers import (
    ConflictSerializer,
    EventSerializer,
    MeasureSerializer,
    PositionSerializer,
    SourceSerializer,
    StatusChangeSerializer,
)
from responses.api.views import (
    ConflictViewSet,
    EventViewSet,
    MeasureViewSet,
    PositionViewSet,
    StatusChangeViewSet,
)
from responses.models import Conflict, Event, Measure, MeasureStatusChange, Position, Source
from responses.scenario import DEFAULT_SCENARIO, load_scenario
from tests.factories import make_membership, make_status_change
from tracker.api.fields import IdentityField
from tracker.api.records import as_records, readable_as_records
from tracker.api.renderers import JSONRenderer
from tracker.api.representation import FastRepresentation

pytestmark = pytest.mark.django_db

CASES: list[tuple[type[serializers.ModelSerializer], Any]] = [
    (ActorSerializer, Actor),
    (MembershipSerializer, Membership),
    (SourceSerializer, Source),
    (ConflictSerializer, Conflict),
    (EventSerializer, Event),
    (PositionSerializer, Position),
    (MeasureSerializer, Measure),
    (StatusChangeSerializer, MeasureStatusChange),
]


def as_json(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize(
    ("serializer_class", "model"), CASES, ids=lambda case: getattr(case, "__name__", "")
)
def test_every_resource_reads_the_same_as_with_drf(
    serializer_class: type[serializers.ModelSerializer],
    model: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_scenario(DEFAULT_SCENARIO)
    make_membership()
    make_status_change()
    request = Request(RequestFactory().get("/", HTTP_HOST="testserver"))
    records = list(model._default_manager.all())
    assert records
    fast = [as_json(serializer_class(r, context={"request": request}).data) for r in records]
    # DRF's own way: every field asked for its attribute, every URL reversed.
    monkeypatch.setattr(
        FastRepresentation, "to_representation", serializers.Serializer.to_representation
    )
    monkeypatch.setattr(IdentityField, "get_url", serializers.HyperlinkedIdentityField.get_url)
    reference = [as_json(serializer_class(r, context={"request": request}).data) for r in records]
    assert fast == reference


READ_PATHS = [
    (ActorViewSet, Actor),
    (MembershipViewSet, Membership),
    (ConflictViewSet, Conflict),
    (EventViewSet, Event),
    (PositionViewSet, Position),
    (MeasureViewSet, Measure),
    (StatusChangeViewSet, MeasureStatusChange),
]


@pytest.mark.parametrize(
    ("viewset", "model"), READ_PATHS, ids=lambda case: getattr(case, "__name__", "")
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Kyiv"])
def test_the_read_querysets_read_the_same_as_with_drf(
    viewset: Any, model: Any, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lists read related records from plain prefetched lists (JSON lists read
    # plain records instead of model instances), and format timestamps
    # without DRF: the JSON is still DRF's, in any current zone.
    load_scenario(DEFAULT_SCENARIO)
    make_membership()
    make_status_change()
    request = Request(RequestFactory().get("/", HTTP_HOST="testserver"))
    serializer_class = viewset.serializer_class
    read_queryset = viewset.read_queryset
    assert readable_as_records(read_queryset)
    ways = [read_queryset.all(), as_records(read_queryset)]
    with timezone.override(zone):
        records = list(ways[0])
        assert records
        fast = [
            [as_json(serializer_class(r, context={"request": request}).data) for r in way]
            for way in ways
        ]
        monkeypatch.setattr(
            FastRepresentation, "to_representation", serializers.Serializer.to_representation
        )
        fresh = [model._default_manager.get(pk=r.pk) for r in records]
        reference = [as_json(serializer_class(r, context={"request": request}).data) for r in fresh]
    assert all(read == reference for read in fast)
    for shown in ("sources", "related_events", "participants"):
        if shown in reference[0]:
            assert any(row[shown] for row in reference), shown
    if zone != "UTC":
        assert not reference[0]["created_at"].endswith("Z")


def test_a_record_without_a_shown_column_is_an_error_not_a_missing_key() -> None:
    # A model instance would load the column; a record cannot, and DRF would
    # quietly leave the field out of the JSON.
    load_scenario(DEFAULT_SCENARIO)
    request = Request(RequestFactory().get("/", HTTP_HOST="testserver"))
    record = as_records(Position.objects.select_related("actor").only("id", "actor__slug"))[0]
    serializer = PositionSerializer(record, context={"request": request})
    with pytest.raises(ImproperlyConfigured, match=r"\w+Serializer\.\w+: the record has no"):
        serializer.to_representation(record)


@pytest.mark.parametrize("slug", ["european-union", "UN_1", "-", "9"])
def test_record_urls_are_drfs(slug: str) -> None:
    # Slugs (all the routes accept) skip quote(), and come out as DRF's.
    request = Request(RequestFactory().get("/", HTTP_HOST="testserver"))
    field = IdentityField(view_name="api:actor-detail", lookup_field="slug")
    record: Any = SimpleNamespace(pk=1, slug=slug)  # a record, as lists read them
    drf = serializers.HyperlinkedIdentityField.get_url(
        field, record, "api:actor-detail", request, None
    )
    assert field.url_maker(request)(record) == drf


def test_records_refuse_chunked_iteration() -> None:
    # Django would prefetch each chunk through model descriptors records lack.
    with pytest.raises(TypeError, match="a page at a time"):
        next(as_records(PositionViewSet.read_queryset).iterator())


def sources_query(path: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(path)
    assert response.status_code == 200
    (found,) = [q["sql"] for q in queries.captured_queries if '"responses_source"' in q["sql"]]
    return found


def test_json_lists_read_records_and_the_browsable_api_model_instances() -> None:
    load_scenario(DEFAULT_SCENARIO)
    # Records read the briefs from the join table; Django's own prefetch
    # (model instances) reads them from the sources, tagged with the owner.
    json_list = sources_query("/api/v1/positions/?format=json")
    browsable = sources_query("/api/v1/positions/?format=api")
    assert json_list.split(" FROM ")[1].startswith('"responses_position_sources"')
    assert "_prefetch_related_val" not in json_list
    assert "_prefetch_related_val" in browsable
