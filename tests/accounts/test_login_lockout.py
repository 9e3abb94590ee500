"""Password guessing at the admin and browsable API logins is locked out (django-axes)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
ADMIN_LOGIN = "/admin/login/"
API_LOGIN = "/api-auth/login/"


@pytest.fixture(autouse=True)
def fast_hashing() -> Iterator[None]:
    # Every attempt checks a password: the slow production hasher would dominate.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    user = make_user("alice")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def log_in(client: Client, url: str, password: str) -> Any:
    return client.post(url, {"username": "alice", "password": password, "next": "/admin/"})


def lock_out(client: Client, url: str) -> None:
    """Fail as often as allowed: the last failure already answers with the lockout."""
    statuses = [
        log_in(client, url, "a-wrong-guess").status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def signed_in(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


@pytest.mark.usefixtures("alice")
@pytest.mark.parametrize("url", [ADMIN_LOGIN, API_LOGIN])
class TestBothLoginPages:
    def test_failures_lock_the_account_out_even_with_the_right_password(
        self, client: Client, url: str
    ) -> None:
        lock_out(client, url)
        response = log_in(client, url, PASSWORD)
        assert response.status_code == 429
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "<h1>Signing in is paused</h1>" in page
        assert re.search(r"too many login attempts for\s+<strong>alice</strong>", page)
        assert "ask an administrator to lift it" in page
        assert not signed_in(client)

    def test_the_lockout_holds_for_that_username_from_that_address_only(
        self, client: Client, url: str, make_user: Callable[..., User]
    ) -> None:
        lock_out(client, url)
        elsewhere = Client(REMOTE_ADDR="198.51.100.7")
        assert log_in(elsewhere, url, PASSWORD).status_code == 302
        bob = make_user("bob")
        bob.is_staff = True
        bob.save(update_fields=["is_staff"])
        response = client.post(url, {"username": "bob", "password": PASSWORD, "next": "/"})
        assert response.status_code == 302

    def test_behind_a_proxy_each_forwarded_address_is_its_own_client(self, url: str) -> None:
        behind_one_proxy = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        with override_settings(REST_FRAMEWORK=behind_one_proxy):
            lock_out(Client(HTTP_X_FORWARDED_FOR="203.0.113.1"), url)
            other = Client(HTTP_X_FORWARDED_FOR="203.0.113.2")
            assert log_in(other, url, PASSWORD).status_code == 302

    def test_a_successful_login_forgets_earlier_failures(self, client: Client, url: str) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            log_in(client, url, "a-wrong-guess")
        assert log_in(client, url, PASSWORD).status_code == 302
        client.logout()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            log_in(client, url, "a-wrong-guess")
        assert log_in(client, url, PASSWORD).status_code == 302

    def test_the_lockout_ends_after_the_cool_off(self, client: Client, url: str) -> None:
        lock_out(client, url)
        cool_off = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
        AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off)
        assert log_in(client, url, PASSWORD).status_code == 302
        assert signed_in(client)


@pytest.mark.usefixtures("alice")
class TestLiftingALockout:
    def test_an_admin_lifts_it_in_the_admin(self, client: Client, admin_client: Client) -> None:
        lock_out(client, ADMIN_LOGIN)
        changelist = reverse("admin:axes_accessattempt_changelist")
        page = admin_client.get(changelist, {"locked_out": "yes"})
        assert page.status_code == 200
        assert b"alice" in page.content
        attempt = AccessAttempt.objects.get(username="alice")

        response = admin_client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
        )

        assert response.status_code == 302
        assert log_in(client, ADMIN_LOGIN, PASSWORD).status_code == 302
        assert signed_in(client)

    def test_the_reset_command_lifts_it(self, client: Client) -> None:
        lock_out(client, API_LOGIN)
        call_command("axes_reset_username", "alice", stdout=io.StringIO())
        assert log_in(client, API_LOGIN, PASSWORD).status_code == 302


class TestOtherWaysIn:
    def test_the_test_clients_login_helpers_still_work(self, alice: User) -> None:
        client = Client()
        assert client.login(username="alice", password=PASSWORD)
        assert signed_in(client)
        other = Client()
        other.force_login(alice)
        assert signed_in(other)

    def test_sessions_from_the_login_page_still_write_through_the_api(
        self, client: Client, curator: User
    ) -> None:
        curator.is_staff = True
        curator.save(update_fields=["is_staff"])
        response = client.post(
            API_LOGIN, {"username": "alice", "password": PASSWORD, "next": "/api/v1/"}
        )
        assert response.status_code == 302
        body = {"kind": "other", "title": "A statement"}
        created = client.post(reverse("api:source-list"), body, content_type="application/json")
        assert created.status_code == 201, created.content
