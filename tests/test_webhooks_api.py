"""Subscriptions in the API: owned, validated like every resource, the secret shown once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.factories import make_actor
from webhooks.models import Subscription

pytestmark = pytest.mark.django_db

MANAGE = [
    f"webhooks.{verb}_{model}"
    for model in ("subscription", "delivery")
    for verb in ("add", "change", "delete", "view")
]


@pytest.fixture
def integrator(make_user: Callable[..., User]) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user("ivy", *MANAGE))
    return client


@pytest.fixture(autouse=True)
def private_targets_allowed(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


def subscribe(client: APIClient, **fields: Any) -> Any:
    body = {
        "target_url": "http://127.0.0.1:9/hook",
        "resources": ["measures"],
        "actions": ["created", "updated"],
        **fields,
    }
    return client.post("/api/v1/subscriptions/", body, format="json")


def test_the_secret_is_shown_once_then_only_its_hint(integrator: APIClient) -> None:
    made = subscribe(integrator)
    assert made.status_code == 201, made.json()
    secret = made.json()["secret"]
    assert secret.startswith("whsec_")
    assert made.json()["owned_by"] == "ivy"
    again = integrator.get(made.json()["url"]).json()
    assert "secret" not in again
    # Its deliveries link lists them (none yet).
    assert integrator.get(again["deliveries"]).json()["count"] == 0
    assert again["secret_hint"] == f"{secret[:6]}…{secret[-4:]}"
    rotated = integrator.post(made.json()["url"] + "rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] not in (secret, None)
    assert Subscription.objects.get().secret == rotated.json()["secret"]


def test_subscriptions_are_their_owners_only(
    integrator: APIClient, make_user: Callable[..., User], api_client: APIClient
) -> None:
    url = subscribe(integrator).json()["url"]
    other = APIClient()
    other.force_authenticate(make_user("olga", *MANAGE))
    assert other.get("/api/v1/subscriptions/").json()["count"] == 0
    assert other.get(url).status_code == 404
    assert api_client.get("/api/v1/subscriptions/").status_code in (401, 403)
    reader = APIClient()
    reader.force_authenticate(make_user("rita"))
    assert reader.get("/api/v1/subscriptions/").status_code == 403
    assert subscribe(reader).status_code == 403


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"target_url": "ftp://example.org/x"}, "target_url", "Only http and https"),
        ({"resources": ["nonsense"]}, "resources", "not a valid choice"),
        ({"resources": []}, "resources", ""),
        ({"actions": ["renamed"]}, "actions", "not a valid choice"),
        ({"filters": "colour=red"}, "filters", "Not a filter of the measures list: colour"),
        ({"filters": "kind=nonsense"}, "filters", "kind"),
        (
            {"resources": ["measures", "positions"], "filters": "kind=sanctions"},
            "filters",
            "exactly one",
        ),
        ({"status": "failing"}, "status", "set by the server"),
        ({"secret": "whsec_mine"}, "secret", "read-only"),
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(
    integrator: APIClient, fields: dict[str, Any], field: str, says: str
) -> None:
    response = subscribe(integrator, **fields)
    assert response.status_code == 400, response.json()
    errors = {error["attr"]: error["detail"] for error in response.json()["errors"]}
    assert any(name == field or name.startswith(f"{field}.") for name in errors), errors
    assert says in " ".join(errors.values())
    assert not Subscription.objects.exists()


def test_private_targets_are_refused_unless_the_operator_allows_them(
    integrator: APIClient, settings: Any
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for target in (
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
    ):
        response = subscribe(integrator, target_url=target)
        assert response.status_code == 400, target
        assert response.json()["errors"][0]["attr"] == "target_url"
        assert "public addresses" in response.json()["errors"][0]["detail"]
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    assert subscribe(integrator, target_url="http://127.0.0.1:8000/hook").status_code == 201


def test_filters_in_the_lists_vocabulary_are_taken(integrator: APIClient) -> None:
    # As the list answers: an actor that does not exist is refused, naming filters.
    refused = subscribe(integrator, filters="actor=european-union&kind=sanctions")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "filters"
    assert "european-union" in refused.json()["errors"][0]["detail"]
    make_actor(slug="european-union")
    made = subscribe(integrator, filters="actor=european-union&kind=sanctions")
    assert made.status_code == 201, made.json()
    assert made.json()["filters"] == "actor=european-union&kind=sanctions"


def test_an_owner_pauses_and_resumes(integrator: APIClient) -> None:
    url = subscribe(integrator).json()["url"]
    paused = integrator.patch(url, {"status": "paused"}, format="json")
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert integrator.patch(url, {"status": "active"}, format="json").json()["status"] == "active"
