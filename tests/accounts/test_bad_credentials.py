"""Bad credentials of any shape are a JSON 401, and a client that keeps sending them a 429."""

from __future__ import annotations

import datetime
import http.client
import json
import logging
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from accounts.tokens import issue_token

pytestmark = pytest.mark.django_db

ACTORS = "/api/v1/actors/"

# Each is sent as the whole Authorization header.
BAD_HEADERS: dict[str, str | bytes] = {
    "not_utf8": b"Token \xff\xfe",
    "not_latin1_text": "Token \u20ac\u20ac",
    "no_key": "Token",
    "empty": "",
    "two_keys": "Token abc def",
    "too_long": "Token " + "f" * 10_000,
    "unknown_key": "Token " + "0" * 64,
    "not_hex": "Token " + "z" * 64,
    "basic_garbage": "Basic !!not-base64!!",
    "bearer": "Bearer " + "0" * 64,
}


def assert_json_401(response: object) -> None:
    assert response.status_code == 401, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"  # type: ignore[index]


@pytest.fixture
def robot(make_user: Callable[..., User]) -> User:
    return make_user("robot")


@pytest.fixture
def good_key(robot: User) -> str:
    _, key = issue_token(robot, name="mirror", read_only=False)
    return key


def send_unknown_tokens(client: Client, count: int) -> None:
    for _ in range(count):
        client.get(ACTORS, HTTP_AUTHORIZATION="Token " + "0" * 64)


@pytest.fixture
def no_error_logged(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with caplog.at_level(logging.WARNING):
        yield
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]


@pytest.mark.usefixtures("no_error_logged")
class TestBadCredentials:
    @pytest.mark.parametrize("header", BAD_HEADERS.values(), ids=BAD_HEADERS.keys())
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_any_bad_authorization_header_is_a_json_401(
        self, method: str, header: str | bytes
    ) -> None:
        client = Client(raise_request_exception=False)
        response = getattr(client, method)(ACTORS, HTTP_AUTHORIZATION=header)
        assert_json_401(response)

    def test_a_revoked_token_is_a_json_401(self, robot: User) -> None:
        token, key = issue_token(robot, name="mirror", read_only=False)
        token.delete()
        assert_json_401(Client().get(ACTORS, HTTP_AUTHORIZATION=f"Token {key}"))

    def test_an_expired_token_is_a_json_401(self, robot: User) -> None:
        expired = timezone.now() - datetime.timedelta(minutes=1)
        _, key = issue_token(robot, name="mirror", read_only=False, expiry=expired)
        assert_json_401(Client().get(ACTORS, HTTP_AUTHORIZATION=f"Token {key}"))

    def test_a_made_up_session_cookie_reads_as_anonymous_and_cannot_write(self) -> None:
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = "not-a-session-\xff"
        assert client.get(ACTORS).status_code == 200
        response = client.post(ACTORS, {"slug": "x"}, content_type="application/json")
        assert response.status_code == 401
        assert response.json()["errors"][0]["code"] == "not_authenticated"

    def test_a_non_utf8_token_through_a_real_server_is_a_json_401(
        self, live_server: object
    ) -> None:
        url = urlsplit(live_server.url)  # type: ignore[attr-defined]
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        connection.putrequest("GET", ACTORS)
        connection.putheader("Authorization", b"Token \xff\xfe")
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 401
        assert json.loads(response.read())["errors"][0]["code"] == "authentication_failed"


class TestRepeatedBadTokens:
    @pytest.fixture(autouse=True)
    def low_rate(self) -> Iterator[None]:
        rates = {"anon": None, "user": None, "failed_token": "3/minute"}
        rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        cache.clear()
        with override_settings(REST_FRAMEWORK=rest):
            yield
        cache.clear()

    def test_a_client_sending_bad_tokens_gets_a_429_with_retry_after(self) -> None:
        client = Client()
        statuses = [
            client.get(ACTORS, HTTP_AUTHORIZATION=header).status_code
            for header in ["Token " + "0" * 64, b"Token \xff", "Basic x"]
        ]
        assert statuses == [401, 401, 401]

        response = client.get(ACTORS, HTTP_AUTHORIZATION="Token " + "1" * 64)
        assert response.status_code == 429
        assert response.json()["errors"][0]["code"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= 60

    def test_a_throttled_client_is_refused_even_with_a_good_token(self, good_key: str) -> None:
        client = Client()
        send_unknown_tokens(client, 3)
        assert client.get(ACTORS, HTTP_AUTHORIZATION=f"Token {good_key}").status_code == 429

    def test_good_tokens_and_other_addresses_are_not_counted(self, good_key: str) -> None:
        client = Client()
        for _ in range(5):
            assert client.get(ACTORS, HTTP_AUTHORIZATION=f"Token {good_key}").status_code == 200
        send_unknown_tokens(client, 3)
        other = client.get(ACTORS, HTTP_AUTHORIZATION=f"Token {good_key}", REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200
        # Without any Authorization header the client is an anonymous reader as before.
        assert client.get(ACTORS).status_code == 200
