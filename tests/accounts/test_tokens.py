"""Service tokens: issued hashed, read-only or read-write, revoked in the admin."""

from __future__ import annotations

import datetime
import hashlib
import io
from collections.abc import Callable

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ServiceToken
from accounts.tokens import issue_token
from actors.models import Actor
from responses.models import MeasureStatusChange, Position
from tests.factories import make_actor, make_event, make_measure, make_source
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(make_user: Callable[..., User]) -> User:
    """The mirror service's account, a curator: it may write what curators write."""
    user = make_user("mirror-service")
    user.groups.add(Group.objects.get(name="curator"))
    return user


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def position_body() -> dict[str, object]:
    return {
        "actor": make_actor().slug,
        "event": make_event().slug,
        "stance": "condemn",
        "summary": "Condemns the strike.",
        "sources": [make_source().pk],
    }


class TestReadWriteTokens:
    def test_it_writes_what_its_user_may_write(self, service: User) -> None:
        _, key = issue_token(service, name="mirror", read_only=False)
        response = client_with(key).post(
            reverse("api:position-list"), position_body(), format="json"
        )
        assert response.status_code == 201, response.json()

    def test_a_transition_is_recorded_as_its_user(self, service: User) -> None:
        _, key = issue_token(service, name="mirror", read_only=False)
        measure = make_measure()
        response = client_with(key).post(
            reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
            {"to": "proposed", "source": make_source().pk},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert MeasureStatusChange.objects.get().recorded_by == service

    def test_it_cannot_do_more_than_its_user(self, make_user: Callable[..., User]) -> None:
        _, key = issue_token(make_user("no-permissions"), name="robot", read_only=False)
        response = client_with(key).post(
            reverse("api:position-list"), position_body(), format="json"
        )
        assert response.status_code == 403
        assert not Position.objects.exists()


class TestReadOnlyTokens:
    def test_it_reads(self, service: User) -> None:
        _, key = issue_token(service, name="dashboard", read_only=True)
        make_actor()
        client = client_with(key)
        assert client.get(reverse("api:actor-list")).status_code == 200
        assert client.head(reverse("api:actor-list")).status_code == 200
        assert client.options(reverse("api:actor-list")).status_code == 200

    def test_every_write_is_a_403_that_changes_nothing(self, service: User) -> None:
        _, key = issue_token(service, name="dashboard", read_only=True)
        client = client_with(key)
        actor = make_actor(name="Ukraine")
        measure = make_measure()
        detail = reverse("api:actor-detail", kwargs={"slug": actor.slug})
        before = list(Actor.objects.values().order_by("pk"))

        responses = [
            client.post(reverse("api:position-list"), position_body(), format="json"),
            client.put(detail, {"slug": actor.slug, "name": "X", "kind": "state"}, format="json"),
            client.patch(detail, {"name": "Renamed"}, format="json"),
            client.delete(detail),
            client.post(
                reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
                {"to": "adopted", "source": make_source().pk},
                format="json",
            ),
        ]

        assert [response.status_code for response in responses] == [403] * 5
        error = responses[0].json()["errors"][0]
        assert error["code"] == "permission_denied"
        assert "read-only" in error["detail"]
        # position_body() made actors of its own; the ones that existed are untouched.
        assert (
            list(Actor.objects.filter(pk__in=[a["id"] for a in before]).values().order_by("pk"))
            == before
        )
        assert not Position.objects.exists()
        measure.refresh_from_db()
        assert measure.status == "threatened"
        assert not MeasureStatusChange.objects.exists()


class TestTokensThatNoLongerWork:
    def test_a_revoked_token_is_a_401(self, service: User) -> None:
        token, key = issue_token(service, name="mirror", read_only=False)
        token.delete()
        client = client_with(key)
        for response in (
            client.get(reverse("api:actor-list")),
            client.post(reverse("api:position-list"), position_body(), format="json"),
        ):
            assert response.status_code == 401
            assert response["WWW-Authenticate"] == "Token"
        assert not Position.objects.exists()

    def test_an_expired_token_is_a_401(self, service: User) -> None:
        expired = timezone.now() - datetime.timedelta(minutes=1)
        _, key = issue_token(service, name="mirror", read_only=False, expiry=expired)
        assert client_with(key).get(reverse("api:actor-list")).status_code == 401

    def test_a_deactivated_account_is_a_401(self, service: User) -> None:
        _, key = issue_token(service, name="mirror", read_only=False)
        service.is_active = False
        service.save(update_fields=["is_active"])
        assert client_with(key).get(reverse("api:actor-list")).status_code == 401

    def test_a_made_up_token_is_a_401(self) -> None:
        assert client_with("0" * 64).get(reverse("api:actor-list")).status_code == 401


class TestStorage:
    def test_only_a_hash_of_the_key_is_stored(self, service: User) -> None:
        token, key = issue_token(service, name="mirror", read_only=False)
        token.refresh_from_db()
        assert token.digest == hashlib.sha512(key.encode()).hexdigest()
        # The first characters identify the row; the rest of the key is nowhere.
        assert token.token_key == key[:15]
        dump = io.StringIO()
        call_command("dumpdata", stdout=dump)
        assert key not in dump.getvalue()
        assert key[15:] not in dump.getvalue()


class TestTheCommand:
    def test_it_prints_only_the_key_of_a_read_write_token(self, service: User) -> None:
        out, err = io.StringIO(), io.StringIO()
        call_command("create_token", "mirror-service", stdout=out, stderr=err)
        key = out.getvalue().strip()
        token = ServiceToken.objects.get()
        assert (token.user, token.read_only) == (service, False)
        assert token.digest == hashlib.sha512(key.encode()).hexdigest()
        assert "read-write" in err.getvalue()
        response = client_with(key).post(
            reverse("api:position-list"), position_body(), format="json"
        )
        assert response.status_code == 201

    def test_it_makes_named_read_only_tokens(self, service: User) -> None:
        out = io.StringIO()
        call_command(
            "create_token",
            "mirror-service",
            "--read-only",
            "--name",
            "dashboard",
            stdout=out,
            stderr=io.StringIO(),
        )
        token = ServiceToken.objects.get()
        assert (token.name, token.read_only) == ("dashboard", True)
        key = out.getvalue().strip()
        response = client_with(key).post(
            reverse("api:position-list"), position_body(), format="json"
        )
        assert response.status_code == 403

    def test_an_unknown_user_is_an_error(self) -> None:
        with pytest.raises(CommandError, match="There is no user 'nobody'"):
            call_command("create_token", "nobody", stdout=io.StringIO())
        assert not ServiceToken.objects.exists()


class TestTheAdmin:
    def test_an_admin_creates_a_token_and_sees_the_key_once(
        self, admin_client: Client, admin_user: User, service: User
    ) -> None:
        response = admin_client.post(
            reverse("admin:accounts_servicetoken_add"),
            {"user": service.pk, "name": "nightly mirror", "access": "read_write", "expiry": ""},
        )

        assert response.status_code == 200
        token = ServiceToken.objects.get()
        key = response.context["key"]
        assert token.digest == hashlib.sha512(key.encode()).hexdigest()
        assert key.encode() in response.content
        assert (token.name, token.user, token.read_only, token.created_by) == (
            "nightly mirror",
            service,
            False,
            admin_user,
        )
        assert (
            client_with(key)
            .post(reverse("api:position-list"), position_body(), format="json")
            .status_code
            == 201
        )
        # Never again: not on the list, not on the token's page.
        for url in (
            reverse("admin:accounts_servicetoken_changelist"),
            reverse("admin:accounts_servicetoken_change", args=[token.pk]),
        ):
            page = admin_client.get(url)
            assert page.status_code == 200
            assert key.encode() not in page.content
            assert key[15:].encode() not in page.content

    def test_the_add_page_chooses_no_access_in_advance(self, admin_client: Client) -> None:
        response = admin_client.get(reverse("admin:accounts_servicetoken_add"))
        assert response.status_code == 200
        assert b'name="access" value="read_only"' in response.content
        assert b"checked" not in response.content

    def test_the_access_must_be_chosen(self, admin_client: Client, service: User) -> None:
        response = admin_client.post(
            reverse("admin:accounts_servicetoken_add"),
            {"user": service.pk, "name": "mirror", "expiry": ""},
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["access"]
        assert not ServiceToken.objects.exists()

    def test_a_read_only_token_made_in_the_admin_cannot_write(
        self, admin_client: Client, service: User
    ) -> None:
        response = admin_client.post(
            reverse("admin:accounts_servicetoken_add"),
            {"user": service.pk, "name": "dashboard", "access": "read_only", "expiry": ""},
        )
        key = response.context["key"]
        assert ServiceToken.objects.get().read_only
        client = client_with(key)
        assert client.get(reverse("api:actor-list")).status_code == 200
        assert (
            client.post(reverse("api:position-list"), position_body(), format="json").status_code
            == 403
        )

    def test_the_list_shows_each_tokens_name_user_access_and_key_start(
        self, admin_client: Client, service: User
    ) -> None:
        _, read_write_key = issue_token(service, name="nightly mirror", read_only=False)
        _, read_only_key = issue_token(service, name="dashboard", read_only=True)
        page = admin_client.get(reverse("admin:accounts_servicetoken_changelist"))
        content = page.content.decode()
        for text in ("nightly mirror", "dashboard", "mirror-service", "read-only", "read-write"):
            assert text in content
        assert f"{read_write_key[:15]}…" in content
        assert read_only_key[15:] not in content

    def test_the_change_page_shows_the_current_access(
        self, admin_client: Client, service: User
    ) -> None:
        token, _ = issue_token(service, name="dashboard", read_only=True)
        response = admin_client.get(reverse("admin:accounts_servicetoken_change", args=[token.pk]))
        assert response.context["adminform"].form["access"].value() == "read_only"

    def test_an_admin_changes_a_token_to_read_only(
        self, admin_client: Client, service: User
    ) -> None:
        token, key = issue_token(service, name="mirror", read_only=False)
        response = admin_client.post(
            reverse("admin:accounts_servicetoken_change", args=[token.pk]),
            {"name": "mirror", "access": "read_only", "expiry": ""},
        )
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.read_only
        assert (
            client_with(key)
            .post(reverse("api:position-list"), position_body(), format="json")
            .status_code
            == 403
        )

    def test_an_admin_revokes_tokens(
        self, admin_client: Client, admin_user: User, service: User
    ) -> None:
        revoked, revoked_key = issue_token(service, name="leaked", read_only=False)
        _, kept_key = issue_token(service, name="mirror", read_only=False)

        response = admin_client.post(
            reverse("admin:accounts_servicetoken_changelist"),
            {"action": "revoke", "_selected_action": [revoked.pk]},
        )

        assert response.status_code == 302
        assert list(ServiceToken.objects.values_list("name", flat=True)) == ["mirror"]
        assert client_with(revoked_key).get(reverse("api:actor-list")).status_code == 401
        assert client_with(kept_key).get(reverse("api:actor-list")).status_code == 200
        entry = LogEntry.objects.get(action_flag=DELETION)
        assert (entry.user, entry.object_repr) == (admin_user, str(revoked))

    def test_curators_cannot_see_tokens(self, make_user: Callable[..., User]) -> None:
        curator = make_user("carol")
        curator.is_staff = True
        curator.save(update_fields=["is_staff"])
        curator.groups.add(Group.objects.get(name="curator"))
        client = Client()
        client.force_login(curator)
        assert client.get(reverse("admin:accounts_servicetoken_changelist")).status_code == 403
        assert client.get(reverse("admin:accounts_servicetoken_add")).status_code == 403


def test_the_schema_documents_the_token_scheme() -> None:
    schema = committed_schema()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Authorization: Token <key>" in scheme["description"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/positions/"]["post"]["security"]
