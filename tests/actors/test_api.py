"""Rules of the actors API: aliases, memberships and protection of cited actors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from actors.models import Actor
from tests.factories import make_actor, make_event, make_measure, make_membership, make_position

pytestmark = pytest.mark.django_db


def actor_url(actor: Actor) -> str:
    return reverse("api:actor-detail", kwargs={"slug": actor.slug})


def test_an_actor_is_addressed_by_slug_with_its_parent_nested(api_client: APIClient) -> None:
    us = make_actor(slug="united-states", name="United States", short_name="US")
    department = make_actor(
        slug="us-state-department",
        name="State Department",
        parent=us,
        kind=ActorKind.GOVERNMENT_BODY,
        country="US",
    )
    response = api_client.get(actor_url(department))
    assert response.status_code == 200
    assert response.data["parent"]["slug"] == "united-states"
    assert response.data["country"] == "US"


def test_aliases_are_a_list_of_names(curator_client: APIClient) -> None:
    response = curator_client.post(
        reverse("api:actor-list"),
        {
            "slug": "united-nations",
            "name": "United Nations",
            "kind": "international_organization",
            "aliases": ["U.N.", "ООН"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.data["aliases"] == ["U.N.", "ООН"]
    found = curator_client.get(reverse("api:actor-list"), {"q": "u.n."})
    assert [actor["slug"] for actor in found.json()["results"]] == ["united-nations"]
    found = curator_client.get(reverse("api:actor-list"), {"q": "ООН"})
    assert [actor["slug"] for actor in found.json()["results"]] == ["united-nations"]


def test_repeated_aliases_are_refused(curator_client: APIClient) -> None:
    response = curator_client.post(
        reverse("api:actor-list"),
        {"slug": "un", "name": "UN", "kind": "other", "aliases": ["U.N.", "u.n."]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "aliases"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "Ukraine"),
        ("country", "ua"),
        ("wikidata_id", "212"),
        ("kind", "planet"),
        ("slug", "with spaces"),
    ],
)
def test_malformed_fields_are_named(curator_client: APIClient, field: str, value: str) -> None:
    body = {"slug": "ukraine", "name": "Ukraine", "kind": "state", field: value}
    response = curator_client.post(reverse("api:actor-list"), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert not Actor.objects.exists()


def test_a_duplicate_slug_is_refused(curator_client: APIClient) -> None:
    make_actor(slug="ukraine")
    response = curator_client.post(
        reverse("api:actor-list"), {"slug": "ukraine", "name": "U", "kind": "state"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "slug"


def test_an_actor_cannot_be_its_own_ancestor(curator_client: APIClient) -> None:
    parent = make_actor()
    child = make_actor(parent=parent)
    response = curator_client.patch(actor_url(parent), {"parent": child.slug}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "parent"


@pytest.mark.parametrize(
    "cite",
    [
        lambda actor: make_position(actor=actor),
        lambda actor: make_position(target=actor),
        lambda actor: make_measure(target=actor),
        lambda actor: make_event(initiator=actor),
        lambda actor: make_event().participants.add(actor),
        lambda actor: make_membership(member=actor),
    ],
    ids=[
        "position",
        "position-target",
        "measure-target",
        "event-initiator",
        "participant",
        "membership",
    ],
)
def test_a_cited_actor_cannot_be_deleted(curator_client: APIClient, cite) -> None:
    actor = make_actor()
    cite(actor)
    response = curator_client.delete(actor_url(actor))
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "protected"
    assert "still referenced" in error["detail"]
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_a_membership_joins_an_organization(curator_client: APIClient) -> None:
    state = make_actor()
    response = curator_client.post(
        reverse("api:membership-list"),
        {"member": state.slug, "organization": make_actor(kind=ActorKind.PERSON).slug},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "organization"


def test_a_membership_cannot_end_before_it_starts(curator_client: APIClient) -> None:
    response = curator_client.post(
        reverse("api:membership-list"),
        {
            "member": make_actor().slug,
            "organization": make_actor(kind=ActorKind.MILITARY_ALLIANCE).slug,
            "started_on": "2020-01-01",
            "ended_on": "2019-01-01",
        },
        format="json",
    )
    assert response.status_code == 400


def test_actors_filter_by_membership(api_client: APIClient) -> None:
    nato = make_actor(slug="nato", kind=ActorKind.MILITARY_ALLIANCE)
    member = make_membership(organization=nato).member
    make_actor()
    response = api_client.get(reverse("api:actor-list"), {"member_of": "nato"})
    assert [actor["slug"] for actor in response.json()["results"]] == [member.slug]


def test_a_slug_the_api_uses_as_a_path_is_refused(curator_client: APIClient) -> None:
    response = curator_client.post(
        reverse("api:actor-list"), {"slug": "export", "name": "Export", "kind": "other"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "reserved_slug"
