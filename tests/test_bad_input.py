"""Bad input gets a 4xx naming the field, never a 500, and writes nothing."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Position
from tests.factories import make_actor, make_event, make_source

pytestmark = pytest.mark.django_db

NUL = "\x00"


@pytest.mark.parametrize(
    ("path", "params", "attr"),
    [
        ("api:position-list", {"q": f"kyiv{NUL}"}, "q"),
        ("api:position-list", {"actor": f"russia{NUL}"}, "actor"),
        ("api:position-list", {"cameo_code": NUL}, "cameo_code"),
        ("api:event-list", {"country": NUL}, "country"),
        ("api:actor-list", {"member_of": NUL}, "member_of"),
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400(
    api_client: APIClient, path: str, params: dict[str, str], attr: str
) -> None:
    response = api_client.get(reverse(path), params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == attr


def test_a_nul_byte_in_the_path_is_a_404(api_client: APIClient) -> None:
    assert api_client.get("/api/v1/actors/russia%00/").status_code == 404


@pytest.mark.parametrize("field", ["summary", "quote", "actor", "event", "cameo_code"])
def test_a_nul_byte_in_a_body_field_is_a_400(curator_client: APIClient, field: str) -> None:
    body = {
        "actor": make_actor(slug="russia").slug,
        "event": make_event().slug,
        "stance": "justify",
        "summary": "Justifies the strike.",
        "sources": [make_source().pk],
    }
    body[field] = f"{body.get(field, '')}{NUL}"
    response = curator_client.post(reverse("api:position-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert not Position.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("", "application/json"),
        ("[]", "application/json"),
        ("actor=russia", "text/plain"),
        (json.dumps({"a": [[[[[[[[[[[]]]]]]]]]]]}), "application/json"),
    ],
)
def test_malformed_bodies_are_refused(
    curator_client: APIClient, body: str, content_type: str
) -> None:
    response = curator_client.post(reverse("api:position-list"), body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response.json()["type"] in {"validation_error", "client_error"}
    assert not Position.objects.exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_over_the_size_limit_is_a_413(curator_client: APIClient) -> None:
    body = {"kind": "other", "title": "x" * 2048}
    response = curator_client.post(reverse("api:source-list"), body, format="json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "payload_too_large"


def test_a_very_long_string_is_refused_by_its_limit(curator_client: APIClient) -> None:
    body = {"kind": "other", "title": "x" * 1_000_000}
    response = curator_client.post(reverse("api:source-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "title"
