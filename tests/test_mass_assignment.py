"""Mass assignment: a client writes only the fields the schema lists for writing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Measure
from tests.factories import make_measure, make_source
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db

READ_ONLY = ["id", "url", "created_at", "updated_at", "allowed_transitions"]


@pytest.mark.parametrize("field", READ_ONLY)
def test_read_only_fields_are_refused_on_create(curator_client: APIClient, field: str) -> None:
    body = {
        "actor": make_measure().actor.slug,
        "target": make_measure().target.slug,
        "kind": "sanctions",
        "sources": [make_source().pk],
        field: "2000-01-01T00:00:00Z" if field.endswith("_at") else 1,
    }
    count = Measure.objects.count()
    response = curator_client.post(reverse("api:measure-list"), body, format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["attr"], error["code"]) == (field, "read_only")
    assert Measure.objects.count() == count


@pytest.mark.parametrize("method", ["patch", "put"])
def test_status_changes_only_through_a_transition(curator_client: APIClient, method: str) -> None:
    measure = make_measure()
    url = reverse("api:measure-detail", kwargs={"pk": measure.pk})
    body: dict[str, Any] = {"status": "in_force"}
    if method == "put":
        body |= {
            "actor": measure.actor.slug,
            "target": measure.target.slug,
            "kind": measure.kind,
            "sources": [source.pk for source in measure.sources.all()],
        }
    response = getattr(curator_client, method)(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "status"
    measure.refresh_from_db()
    assert measure.status == "threatened"


@pytest.mark.parametrize(
    "field", ["recorded_by", "from_status", "measure", "created_at", "is_superuser"]
)
def test_a_transition_takes_only_its_own_fields(curator_client: APIClient, field: str) -> None:
    measure = make_measure()
    body = {"to": "proposed", "source": make_source().pk, field: 1}
    url = reverse("api:measure-transitions", kwargs={"pk": measure.pk})
    response = curator_client.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert not measure.status_changes.exists()


def test_the_schema_lists_only_writable_fields_and_closes_request_bodies() -> None:
    schemas = committed_schema()["components"]["schemas"]
    requests = {name: schema for name, schema in schemas.items() if name.endswith("Request")}
    assert {"MeasureRequest", "PatchedMeasureRequest", "TransitionRequest"} <= set(requests)
    for name, schema in requests.items():
        assert schema["additionalProperties"] is False, name
        assert not set(READ_ONLY) & set(schema["properties"]), name
    assert "readOnly" in str(schemas["Measure"]["properties"]["created_at"])
