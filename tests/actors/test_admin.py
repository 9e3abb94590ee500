"""The curators' admin for actors and memberships, through the Django test client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actors.choices import ActorKind
from actors.models import Actor, Membership
from tests.factories import make_actor, make_membership, make_position

pytestmark = pytest.mark.django_db


def actor_form(**overrides: Any) -> dict[str, Any]:
    """POST data for the actor add/change form, with an empty membership inline."""
    data: dict[str, Any] = {
        "name": "United Nations",
        "short_name": "UN",
        "slug": "united-nations",
        "kind": ActorKind.INTERNATIONAL_ORGANIZATION,
        "country": "",
        "parent": "",
        "aliases": "",
        "wikidata_id": "",
        "description": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def autocomplete(client: Client, model_name: str, field_name: str, term: str = "") -> list[str]:
    app_label = "actors" if model_name in {"actor", "membership"} else "responses"
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


class TestActorPages:
    def test_the_changelist_lists_actors(self, admin_client: Client) -> None:
        make_actor(name="Ukraine")
        make_actor(name="Russia")

        response = admin_client.get(reverse("admin:actors_actor_changelist"))

        assert response.status_code == 200
        assert b"Ukraine" in response.content
        assert b"Russia" in response.content

    def test_the_add_page_renders(self, admin_client: Client) -> None:
        response = admin_client.get(reverse("admin:actors_actor_add"))

        assert response.status_code == 200

    def test_the_change_page_shows_aliases_one_per_line_and_memberships(
        self, admin_client: Client
    ) -> None:
        un = make_actor(name="United Nations", aliases=["U.N.", "联合国"])
        nato = make_actor(name="NATO", kind=ActorKind.MILITARY_ALLIANCE)
        make_membership(member=un, organization=nato)

        response = admin_client.get(reverse("admin:actors_actor_change", args=[un.pk]))

        assert response.status_code == 200
        assert response.context["adminform"].form["aliases"].value() == "U.N.\n联合国"
        assert "U.N.\n联合国</textarea>" in response.content.decode()
        assert b"NATO" in response.content  # the membership inline

    def test_search_finds_an_actor_by_alias(self, admin_client: Client) -> None:
        make_actor(name="United Nations", aliases=["U.N."])
        make_actor(name="European Union")

        response = admin_client.get(reverse("admin:actors_actor_changelist"), {"q": "u.n."})

        names = [actor.name for actor in response.context["cl"].result_list]
        assert names == ["United Nations"]

    def test_the_kind_filter_keeps_only_that_kind(self, admin_client: Client) -> None:
        make_actor(name="Ukraine", kind=ActorKind.STATE)
        make_actor(name="Volodymyr Zelensky", kind=ActorKind.PERSON)

        response = admin_client.get(
            reverse("admin:actors_actor_changelist"), {"kind__exact": ActorKind.PERSON}
        )

        names = [actor.name for actor in response.context["cl"].result_list]
        assert names == ["Volodymyr Zelensky"]

    def test_the_changelist_query_count_does_not_grow_with_rows(
        self, admin_client: Client, django_assert_max_num_queries: Any
    ) -> None:
        for number in range(8):
            make_actor(name=f"Ministry {number}", parent=make_actor(name=f"State {number}"))

        # session, user, filtered count, total count, the page of actors with
        # their parents, the country filter's distinct values, and the saved
        # filters (the list's content type, its saved filters).
        with django_assert_max_num_queries(8):
            response = admin_client.get(reverse("admin:actors_actor_changelist"))

        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == 16


class TestActorAliases:
    def test_aliases_typed_one_per_line_are_stored_as_a_list(self, admin_client: Client) -> None:
        response = admin_client.post(
            reverse("admin:actors_actor_add"),
            actor_form(aliases="U.N.\r\n\r\n  United Nations  \r\n联合国\r\n"),
        )

        assert response.status_code == 302
        assert Actor.objects.get(slug="united-nations").aliases == [
            "U.N.",
            "United Nations",
            "联合国",
        ]

    def test_duplicate_aliases_are_refused_by_the_model_validator(
        self, admin_client: Client
    ) -> None:
        response = admin_client.post(
            reverse("admin:actors_actor_add"), actor_form(aliases="UN\nun")
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["aliases"] == [
            "Each alias is listed once."
        ]
        assert not Actor.objects.exists()

    def test_clearing_the_aliases_stores_an_empty_list(self, admin_client: Client) -> None:
        actor = make_actor(slug="united-nations", aliases=["U.N."])

        response = admin_client.post(
            reverse("admin:actors_actor_change", args=[actor.pk]), actor_form(aliases="")
        )

        assert response.status_code == 302
        actor.refresh_from_db()
        assert actor.aliases == []

    def test_model_clean_runs_an_actor_cannot_descend_from_itself(
        self, admin_client: Client
    ) -> None:
        state = make_actor(slug="united-nations")
        ministry = make_actor(parent=state)

        response = admin_client.post(
            reverse("admin:actors_actor_change", args=[state.pk]),
            actor_form(parent=str(ministry.pk)),
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["parent"] == [
            "An actor cannot be its own ancestor."
        ]
        state.refresh_from_db()
        assert state.parent is None


class TestActorAutocomplete:
    def test_it_answers_for_actors(self, admin_client: Client) -> None:
        make_actor(name="Ukraine")
        make_actor(name="Russia")

        assert autocomplete(admin_client, "position", "actor", "ukr") == ["Ukraine"]

    def test_a_speaker_is_chosen_among_people(self, admin_client: Client) -> None:
        make_actor(name="Ukraine")
        make_actor(name="Volodymyr Zelensky", kind=ActorKind.PERSON)

        assert autocomplete(admin_client, "position", "speaker") == ["Volodymyr Zelensky"]

    def test_an_organization_is_chosen_among_kinds_that_have_members(
        self, admin_client: Client
    ) -> None:
        make_actor(name="Ukraine")
        make_actor(name="NATO", kind=ActorKind.MILITARY_ALLIANCE)

        assert autocomplete(admin_client, "membership", "organization") == ["NATO"]
        assert autocomplete(admin_client, "membership", "member") == ["NATO", "Ukraine"]


class TestActorDeletion:
    def test_an_actor_cited_by_a_position_cannot_be_deleted(self, admin_client: Client) -> None:
        russia = make_actor(name="Russia")
        make_position(actor=russia)
        url = reverse("admin:actors_actor_delete", args=[russia.pk])

        page = admin_client.get(url)
        response = admin_client.post(url, {"post": "yes"})

        assert page.status_code == 200
        assert page.context["protected"]
        assert b"would require deleting the following protected related objects" in page.content
        assert response.status_code == 200
        assert Actor.objects.filter(pk=russia.pk).exists()

    def test_an_actor_nobody_cites_can_be_deleted(self, admin_client: Client) -> None:
        actor = make_actor()

        response = admin_client.post(
            reverse("admin:actors_actor_delete", args=[actor.pk]), {"post": "yes"}
        )

        assert response.status_code == 302
        assert not Actor.objects.filter(pk=actor.pk).exists()


class TestMembershipPages:
    def test_changelist_add_and_change_pages_render(self, admin_client: Client) -> None:
        membership = make_membership()

        for url in (
            reverse("admin:actors_membership_changelist"),
            reverse("admin:actors_membership_add"),
            reverse("admin:actors_membership_change", args=[membership.pk]),
        ):
            assert admin_client.get(url).status_code == 200, url

    def test_the_organization_filter_keeps_its_members(self, admin_client: Client) -> None:
        nato = make_actor(name="NATO", kind=ActorKind.MILITARY_ALLIANCE)
        make_membership(member=make_actor(name="Poland"), organization=nato)
        make_membership(member=make_actor(name="Austria"))

        response = admin_client.get(
            reverse("admin:actors_membership_changelist"), {"organization__id__exact": nato.pk}
        )

        members = [membership.member.name for membership in response.context["cl"].result_list]
        assert members == ["Poland"]

    def test_a_state_cannot_be_given_members(self, admin_client: Client) -> None:
        poland = make_actor(name="Poland")
        ukraine = make_actor(name="Ukraine")

        response = admin_client.post(
            reverse("admin:actors_membership_add"),
            {"member": poland.pk, "organization": ukraine.pk, "started_on": "", "ended_on": ""},
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["organization"] == [
            "A state has no members."
        ]
        assert not Membership.objects.exists()

    def test_a_membership_is_added_inline_on_the_member(self, admin_client: Client) -> None:
        poland = make_actor(slug="united-nations", name="Poland")
        nato = make_actor(name="NATO", kind=ActorKind.MILITARY_ALLIANCE)

        response = admin_client.post(
            reverse("admin:actors_actor_change", args=[poland.pk]),
            actor_form(
                name="Poland",
                kind=ActorKind.STATE,
                **{
                    "memberships-TOTAL_FORMS": "1",
                    "memberships-0-organization": str(nato.pk),
                    "memberships-0-started_on": "1999-03-12",
                    "memberships-0-ended_on": "",
                },
            ),
        )

        assert response.status_code == 302
        assert list(poland.memberships.values_list("organization__name", flat=True)) == ["NATO"]

    def test_the_changelist_query_count_does_not_grow_with_rows(
        self, admin_client: Client, django_assert_max_num_queries: Any
    ) -> None:
        for _ in range(8):
            make_membership()

        # session, user, filtered count, total count, the page with members
        # and organizations, the organization filter's choices, and the saved
        # filters (the list's content type, its saved filters).
        with django_assert_max_num_queries(8):
            response = admin_client.get(reverse("admin:actors_membership_changelist"))

        assert len(response.context["cl"].result_list) == 8
