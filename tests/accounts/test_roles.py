"""The curator and reviewer groups, as the migration creates them and as they work."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import grant, revoke
from actors.models import Actor
from responses.models import MeasureStatusChange, Position
from tests.factories import make_actor, make_event, make_measure, make_source

pytestmark = pytest.mark.django_db

roles_migration = importlib.import_module("accounts.migrations.0001_roles")
later_grants = importlib.import_module(
    "accounts.migrations.0003_history_and_saved_filter_permissions"
)
saving_filters = importlib.import_module("accounts.migrations.0004_curators_save_filters")
# Moves the saved filters' permissions (and who holds them) to the savedfilters app.
moving_filters = importlib.import_module("savedfilters.migrations.0001_initial")


def apps_at(app_label: str, migration: str) -> Apps:
    """The models as they were once ``migration`` had run."""
    return MigrationLoader(connection).project_state((app_label, migration)).apps


RECORDS = {
    "actors": ["actor", "membership"],
    "responses": ["conflict", "event", "position", "measure", "source"],
}
# Edited inline on conflicts and events in the admin.
INLINE_LINKS = {"responses": ["conflictparty", "eventparticipant", "eventrelation"]}


def perms(models: dict[str, list[str]], *actions: str) -> set[str]:
    return {
        f"{app}.{action}_{model}"
        for app, names in models.items()
        for model in names
        for action in actions
    }


def group_perms(name: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


@pytest.fixture
def member_of(make_user: Callable[..., User]) -> Callable[[str], User]:
    """A staff user (so the admin lets them in) whose only permissions come from a group."""

    def build(group: str) -> User:
        user = make_user(f"{group}-user")
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=group))
        return user

    return build


def api_client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def admin_client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


HISTORY_VIEW = {
    "actors.view_historicalactor",
    "responses.view_historicalconflict",
    "responses.view_historicalevent",
    "responses.view_historicalposition",
    "responses.view_historicalmeasure",
    "responses.view_historicalsource",
}
SAVED_FILTERS = {
    "savedfilters.add_savedfilter",
    "savedfilters.view_savedfilter",
    "savedfilters.change_savedfilter",
    "savedfilters.delete_savedfilter",
}


class TestTheMigration:
    def test_curators_keep_every_record_and_view_the_status_history(self) -> None:
        expected = perms(RECORDS, "add", "change", "delete", "view") | perms(
            INLINE_LINKS, "add", "change", "delete", "view"
        )
        expected.add("responses.view_measurestatuschange")
        assert group_perms("curator") == expected | HISTORY_VIEW | SAVED_FILTERS

    def test_curators_never_edit_status_changes_by_hand(self) -> None:
        assert not {
            "responses.add_measurestatuschange",
            "responses.change_measurestatuschange",
            "responses.delete_measurestatuschange",
        } & group_perms("curator")

    def test_reviewers_only_view(self) -> None:
        expected = perms(RECORDS, "view") | perms(INLINE_LINKS, "view")
        expected.add("responses.view_measurestatuschange")
        assert group_perms("reviewer") == expected | HISTORY_VIEW

    def test_it_reverses_and_reapplies(self) -> None:
        before = {name: group_perms(name) for name in ("curator", "reviewer")}
        roles_migration.remove_roles(django_apps, None)
        assert not Group.objects.filter(name__in=["curator", "reviewer"]).exists()
        roles_migration.create_roles(django_apps, None)
        roles_migration.create_roles(django_apps, None)  # running twice changes nothing
        # The grants name responses.savedfilter, where the model was then.
        before_the_move = apps_at("accounts", "0004_curators_save_filters")
        later_grants.forwards(before_the_move, None)
        saving_filters.forwards(before_the_move, None)
        moving_filters.forwards(apps_at("savedfilters", "0001_initial"), None)
        assert {name: group_perms(name) for name in ("curator", "reviewer")} == before

    def test_a_later_migration_can_extend_a_role_and_take_it_back(self) -> None:
        grant(django_apps, "reviewer", ["auth.view_user"])
        assert "auth.view_user" in group_perms("reviewer")
        revoke(django_apps, "reviewer", ["auth.view_user"])
        assert "auth.view_user" not in group_perms("reviewer")


class TestCuratorsThroughTheApi:
    def test_a_curator_creates_a_position(self, member_of: Callable[[str], User]) -> None:
        client = api_client_for(member_of("curator"))
        response = client.post(
            reverse("api:position-list"),
            {
                "actor": make_actor().slug,
                "event": make_event().slug,
                "stance": "condemn",
                "summary": "Condemns the strike.",
                "sources": [make_source().pk],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()

    def test_a_curator_moves_a_measure_along_its_lifecycle(
        self, member_of: Callable[[str], User]
    ) -> None:
        measure = make_measure()
        client = api_client_for(member_of("curator"))
        response = client.post(
            reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
            {"to": "adopted", "source": make_source().pk},
            format="json",
        )
        assert response.status_code == 201, response.json()
        measure.refresh_from_db()
        assert measure.status == "adopted"


class TestReviewersThroughTheApi:
    def test_a_reviewer_reads_history(self, member_of: Callable[[str], User]) -> None:
        actor = make_actor()
        actor.name = "Renamed"
        actor.save()
        client = api_client_for(member_of("reviewer"))
        response = client.get(reverse("api:actor-history", kwargs={"slug": actor.slug}))
        assert response.status_code == 200
        assert response.json()["count"] == 2

    def test_a_reviewer_reads(self, member_of: Callable[[str], User]) -> None:
        make_measure()
        client = api_client_for(member_of("reviewer"))
        assert client.get(reverse("api:measure-list")).json()["count"] == 1

    def test_a_reviewer_cannot_create_change_or_delete(
        self, member_of: Callable[[str], User]
    ) -> None:
        actor = make_actor(name="Ukraine")
        client = api_client_for(member_of("reviewer"))
        detail = reverse("api:actor-detail", kwargs={"slug": actor.slug})

        created = client.post(
            reverse("api:actor-list"), {"slug": "x", "name": "X", "kind": "state"}, format="json"
        )
        changed = client.patch(detail, {"name": "Renamed"}, format="json")
        deleted = client.delete(detail)

        assert [created.status_code, changed.status_code, deleted.status_code] == [403, 403, 403]
        assert list(Actor.objects.values_list("name", flat=True)) == ["Ukraine"]

    def test_a_reviewer_cannot_move_a_measure(self, member_of: Callable[[str], User]) -> None:
        measure = make_measure()
        client = api_client_for(member_of("reviewer"))
        response = client.post(
            reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
            {"to": "adopted", "source": make_source().pk},
            format="json",
        )
        assert response.status_code == 403
        measure.refresh_from_db()
        assert measure.status == "threatened"
        assert not MeasureStatusChange.objects.exists()


class TestRolesInTheAdmin:
    def test_a_curator_adds_an_actor(self, member_of: Callable[[str], User]) -> None:
        client = admin_client_for(member_of("curator"))
        response = client.post(
            reverse("admin:actors_actor_add"),
            {
                "name": "United Nations",
                "slug": "united-nations",
                "kind": "international_organization",
                "memberships-TOTAL_FORMS": "0",
                "memberships-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
        assert Actor.objects.filter(slug="united-nations").exists()

    def test_a_curator_edits_an_event_with_its_inlines(
        self, member_of: Callable[[str], User]
    ) -> None:
        event = make_event()
        client = admin_client_for(member_of("curator"))
        response = client.get(reverse("admin:responses_event_change", args=[event.pk]))
        assert response.status_code == 200
        # The inline forms are editable, not read-only views.
        assert b'name="eventparticipant_set-TOTAL_FORMS"' in response.content
        assert b'name="positions-TOTAL_FORMS"' in response.content

    def test_a_reviewer_browses_but_cannot_change(self, member_of: Callable[[str], User]) -> None:
        measure = make_measure()
        position_count = Position.objects.count()
        client = admin_client_for(member_of("reviewer"))

        assert client.get(reverse("admin:responses_measure_changelist")).status_code == 200
        assert (
            client.get(reverse("admin:responses_measure_change", args=[measure.pk])).status_code
            == 200
        )
        assert client.get(reverse("admin:responses_position_add")).status_code == 403
        transition = client.post(
            reverse("admin:responses_measure_transition", args=[measure.pk]),
            {"to": "adopted", "source": make_source().pk},
        )
        assert transition.status_code == 403
        measure.refresh_from_db()
        assert measure.status == "threatened"
        assert Position.objects.count() == position_count
