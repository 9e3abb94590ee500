"""Safe retries: a POST with an Idempotency-Key is applied once, whatever the retries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from idempotency.models import IdempotencyKey
from responses.models import Change, MeasureStatusChange, Source
from tests.factories import make_measure, make_source
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db

KEY = "6f1c2b9e-6b0b-4a53-9a55-2f1d4c7e8a10"


def post_source(client: APIClient, title: str = "Council statement", key: str = KEY) -> Any:
    return client.post(
        reverse("api:source-list"),
        {"kind": "official_statement", "title": title},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_retried_post_returns_the_first_answer_and_creates_nothing(
    curator_client: APIClient,
) -> None:
    first = post_source(curator_client)
    again = post_source(curator_client)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Source.objects.count() == 1
    assert Change.objects.filter(resource="sources").count() == 1


def test_the_same_key_with_another_body_is_a_422(curator_client: APIClient) -> None:
    post_source(curator_client)
    response = post_source(curator_client, title="Another statement")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "idempotency_key_reused"
    assert error["attr"] == "Idempotency-Key"
    assert Source.objects.count() == 1


def test_the_same_key_on_another_address_is_a_422(curator_client: APIClient) -> None:
    post_source(curator_client)
    response = curator_client.post(
        reverse("api:actor-list"),
        {"kind": "official_statement", "title": "Council statement"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )
    assert response.status_code == 422


def test_different_keys_create_different_records(curator_client: APIClient) -> None:
    post_source(curator_client, key="first")
    post_source(curator_client, key="second")
    assert Source.objects.count() == 2


def test_keys_belong_to_their_user(curator_client: APIClient, curator: User) -> None:
    """Another user's key is not a way to read their answers."""
    post_source(curator_client)
    other = User.objects.create_user("carol")
    other.user_permissions.set(curator.user_permissions.all())
    client = APIClient()
    client.force_authenticate(other)
    response = post_source(client)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Source.objects.count() == 2


def test_a_refused_request_keeps_no_key(curator_client: APIClient) -> None:
    """Only successful answers are kept: a corrected request may reuse its key."""
    refused = curator_client.post(
        reverse("api:source-list"), {"kind": "nonsense"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post_source(curator_client).status_code == 201


def test_keys_expire_after_24_hours(curator_client: APIClient) -> None:
    post_source(curator_client)
    IdempotencyKey.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = post_source(curator_client)
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Source.objects.count() == 2
    record = IdempotencyKey.objects.get()
    assert record.expires_at > timezone.now() + datetime.timedelta(hours=23)


def test_expired_keys_can_be_purged(curator_client: APIClient) -> None:
    post_source(curator_client, key="old")
    post_source(curator_client, key="new")
    IdempotencyKey.objects.filter(key="old").update(expires_at=timezone.now())
    call_command("purge_idempotency_keys", verbosity=0)
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve"])
def test_a_malformed_key_is_a_400(curator_client: APIClient, key: str) -> None:
    response = post_source(curator_client, key=key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "Idempotency-Key"
    assert not Source.objects.exists()


def test_a_retried_transition_is_recorded_once(curator_client: APIClient) -> None:
    measure = make_measure()
    body = {"to": "proposed", "source": make_source().pk}
    url = reverse("api:measure-transitions", kwargs={"pk": measure.pk})
    first = curator_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    again = curator_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    # Without the key the retry would be an illegal proposed -> proposed move.
    assert MeasureStatusChange.objects.filter(measure=measure).count() == 1


def test_the_schema_documents_the_header_and_the_422() -> None:

    schema = committed_schema()
    for path in ("/api/v1/positions/", "/api/v1/measures/{id}/transitions/"):
        operation = schema["paths"][path]["post"]
        assert "Idempotency-Key" in {parameter["name"] for parameter in operation["parameters"]}
        assert "422" in operation["responses"]
