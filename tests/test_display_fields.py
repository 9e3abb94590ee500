"""A plain DRF field declared on a resource's serializer shows on every surface.

``CharField(source="get_stance_display")`` is DRF's usual way to show a
choice's label; declared on a subclass of the position serializer, it renders
in JSON and in the browsable API like any other field. CSV pages are read by
their viewset's ``csv_columns``, not the serializer: they answer as before.
"""

from __future__ import annotations

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


def test_csv_pages_answer_beside_a_display_field() -> None:
    make_position(stance=Stance.URGE_CEASEFIRE)
    response = get("list", "text/csv")
    assert response.status_code == 200
    assert "urge_ceasefire" in response.content.decode()
