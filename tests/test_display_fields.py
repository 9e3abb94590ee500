"""A plain DRF field declared on a resource's serializer shows on every surface.

``CharField(source="get_stance_display")`` is DRF's usual way to show a
choice's label; declared on a subclass of the position serializer, it renders
in JSON, in the browsable API, and as a CSV column after the declared ones
(on a page and in the export) like any other field.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from responses.api.serializers import PositionSerializer
from responses.api.views import PositionViewSet
from responses.choices import Stance
from tests.factories import make_position

pytestmark = pytest.mark.django_db


class LabelledPositionSerializer(PositionSerializer):
    stance_label = serializers.CharField(source="get_stance_display", read_only=True)

    class Meta(PositionSerializer.Meta):
        fields = [*PositionSerializer.Meta.fields, "stance_label"]


class LabelledPositionViewSet(PositionViewSet):
    serializer_class = LabelledPositionSerializer


def get(action: str, accept: str, **kwargs: Any) -> HttpResponse:
    path = "/api/v1/positions/" + (f"{kwargs['pk']}/" if kwargs else "")
    request = APIRequestFactory().get(path, HTTP_ACCEPT=accept)
    response = LabelledPositionViewSet.as_view({"get": action})(request, **kwargs)
    if hasattr(response, "render"):  # DRF's answers render lazily; CSV pages are plain
        response.render()
    return response


@pytest.mark.parametrize(("action", "detail"), [("list", False), ("retrieve", True)])
def test_a_display_field_renders_in_json(action: str, detail: bool) -> None:
    position = make_position(stance=Stance.URGE_CEASEFIRE)
    response = get(action, "application/json", **({"pk": position.pk} if detail else {}))
    assert response.status_code == 200
    data = json.loads(response.content)
    body = data if detail else data["results"][0]
    assert body["stance_label"] == "Urge ceasefire"
    assert body["stance"] == "urge_ceasefire"


@pytest.mark.parametrize(("action", "detail"), [("list", False), ("retrieve", True)])
def test_a_display_field_renders_in_the_browsable_api(action: str, detail: bool) -> None:
    position = make_position(stance=Stance.URGE_CEASEFIRE)
    response = get(action, "text/html", **({"pk": position.pk} if detail else {}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "&quot;stance_label&quot;: &quot;Urge ceasefire&quot;" in content
    assert "functools.partial" not in content


def csv_of(response: HttpResponse) -> list[dict[str, str]]:
    body = b"".join(response) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


@pytest.mark.parametrize("action", ["list", "export"])
def test_a_display_field_is_a_csv_column(action: str) -> None:
    make_position(stance=Stance.URGE_CEASEFIRE)
    make_position(stance=Stance.CONDEMN)
    response = get(action, "text/csv")
    assert response.status_code == 200
    rows = csv_of(response)
    assert {(row["stance"], row["stance_label"]) for row in rows} == {
        ("urge_ceasefire", "Urge ceasefire"),
        ("condemn", "Condemn"),
    }


def test_the_plain_csv_has_no_column_beyond_the_declaration() -> None:
    make_position(stance=Stance.URGE_CEASEFIRE)
    request = APIRequestFactory().get("/api/v1/positions/", HTTP_ACCEPT="text/csv")
    response = PositionViewSet.as_view({"get": "list"})(request)
    assert "stance_label" not in csv_of(response)[0]
    assert list(csv_of(response)[0]) == PositionViewSet().csv_header()
