"""Every change is recorded: who, when, what changed; readable in the API and the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Position
from tests.factories import make_actor, make_event, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


def create_position(client: APIClient) -> str:
    response = client.post(
        reverse("api:position-list"),
        {
            "actor": make_actor(slug="european-union").slug,
            "event": make_event().slug,
            "stance": "threaten",
            "summary": "Threatens sanctions.",
            "sources": [make_source().pk],
        },
    )
    assert response.status_code == 201
    return str(response["Location"])


def test_the_api_lists_versions_with_their_changes(editor: APIClient) -> None:
    location = create_position(editor)
    editor.patch(location, {"summary": "Threatens additional sanctions."})
    response = editor.get(f"{location}history/")
    assert response.status_code == 200
    newest, linked, oldest = response.json()["results"]
    assert (newest["action"], oldest["action"]) == ("changed", "created")
    # Sources are linked just after the record is created: a version of their own.
    [sources] = linked["changes"]
    assert (sources["field"], sources["old"]) == ("sources", [])
    assert len(sources["new"]) == 1
    assert newest["user"] == "admin"
    assert newest["changes"] == [
        {
            "field": "summary",
            "old": "Threatens sanctions.",
            "new": "Threatens additional sanctions.",
        }
    ]
    assert oldest["changes"] == []


def test_history_needs_a_signed_in_reader(api_client: APIClient, editor: APIClient) -> None:
    location = create_position(editor)
    assert api_client.get(f"{location}history/").status_code == 401


def test_history_is_read_only(editor: APIClient) -> None:
    location = create_position(editor)
    assert editor.post(f"{location}history/", {}).status_code == 405


def test_the_admin_shows_history_and_reverts_a_version(admin_client: Client) -> None:
    actor = make_actor(name="Original name")
    actor.name = "Changed name"
    actor.save()
    first = actor.history.earliest()
    history_url = reverse("admin:actors_actor_history", args=[actor.pk])
    page = admin_client.get(history_url)
    assert page.status_code == 200
    assert b"Changed name" in page.content or b"Original name" in page.content
    revert_url = reverse("admin:actors_actor_simple_history", args=[actor.pk, first.history_id])
    form = admin_client.get(revert_url)
    assert form.status_code == 200
    response = admin_client.post(
        revert_url,
        {
            "name": "Original name",
            "slug": actor.slug,
            "kind": actor.kind,
            "aliases": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "_save": "Revert",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    actor.refresh_from_db()
    assert actor.name == "Original name"
    assert actor.history.count() == 3


def test_deleting_a_position_is_recorded(editor: APIClient) -> None:
    location = create_position(editor)
    position_id = int(location.rstrip("/").rsplit("/", 1)[-1])
    assert editor.delete(location).status_code == 204
    assert Position.history.filter(id=position_id, history_type="-").count() == 1
