"""Production posture: settings, error bodies, throttling, CORS, headers, outages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_actor
from tests.production import PRODUCTION, run_python


def test_production_settings_pass_the_deploy_checks_without_a_warning() -> None:
    code = (
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    result = run_python(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr


def quiet_client() -> APIClient:
    """A client that returns 5xx answers instead of raising the error behind them."""
    return APIClient(raise_request_exception=False)


@pytest.mark.django_db
def test_a_server_error_shows_no_traceback_or_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    from actors.api.views import ActorViewSet

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError('SELECT "secret" FROM "auth_user"')

    monkeypatch.setattr(ActorViewSet, "list", broken)
    response = quiet_client().get(reverse("api:actor-list"))
    assert response.status_code == 500
    body = response.content.decode()
    assert response.json()["type"] == "server_error"
    assert "Traceback" not in body
    assert "SELECT" not in body
    assert "auth_user" not in body


@pytest.mark.django_db
def test_an_unmatched_api_url_is_a_json_404(client: Client) -> None:
    response = client.get("/api/v1/positions/not-a-number/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


class TestOutages:
    """A database that cannot be reached gives a 503 the client can retry, never a 500."""

    @pytest.fixture
    def database_down(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from django.db.backends.utils import CursorWrapper

        def refused(*args: object, **kwargs: object) -> None:
            raise OperationalError("connection refused")

        monkeypatch.setattr(CursorWrapper, "execute", refused)

    @pytest.mark.django_db
    @pytest.mark.usefixtures("database_down")
    @pytest.mark.parametrize("path", ["/api/v1/actors/", "/api/v1/actors/ukraine/", "/admin/"])
    def test_reads_answer_503_with_retry_after(self, path: str) -> None:
        client = Client(raise_request_exception=False)
        client.cookies["sessionid"] = "a-session-the-database-would-know"
        response = client.get(path)
        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "service_unavailable"
        assert int(response["Retry-After"]) > 0

    @pytest.mark.django_db
    def test_writes_answer_503_and_leave_nothing(
        self, curator: User, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        client = quiet_client()
        client.force_authenticate(curator)
        from django.db.backends.utils import CursorWrapper

        real_execute = CursorWrapper.execute

        def refuse_inserts(self: CursorWrapper, sql: str, params: Any = None) -> Any:
            if sql.startswith("INSERT"):
                raise OperationalError("server closed the connection unexpectedly")
            return real_execute(self, sql, params)

        monkeypatch.setattr(CursorWrapper, "execute", refuse_inserts)
        body = {"kind": "other", "title": "A statement"}
        response = client.post(reverse("api:source-list"), body, format="json")
        assert response.status_code == 503
        assert response["Retry-After"]
        monkeypatch.undo()
        from responses.models import Source

        assert not Source.objects.exists()


class TestThrottling:
    @pytest.fixture(autouse=True)
    def low_rates(self) -> Iterator[None]:
        rates = {"anon": "3/minute", "user": "5/minute"}
        rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        cache.clear()
        with override_settings(REST_FRAMEWORK=rest):
            yield
        cache.clear()

    @pytest.mark.django_db
    def test_anonymous_clients_are_throttled_by_address(self, api_client: APIClient) -> None:
        statuses = [api_client.get(reverse("api:actor-list")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api_client.get(reverse("api:actor-list"))
        assert response.json()["errors"][0]["code"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= 60
        # Another address has its own allowance.
        other = api_client.get(reverse("api:actor-list"), REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200

    @pytest.mark.django_db
    def test_signed_in_clients_are_throttled_by_user(self, curator_client: APIClient) -> None:
        statuses = [curator_client.get(reverse("api:actor-list")).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]

    @pytest.mark.django_db
    def test_anonymous_clients_count_against_the_anonymous_rate_only(
        self, api_client: APIClient
    ) -> None:
        # A user rate below the anonymous one does not reach anonymous clients.
        rates = {"anon": "3/minute", "user": "1/minute"}
        with override_settings(
            REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
        ):
            statuses = [api_client.get(reverse("api:actor-list")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]


class TestCors:
    @pytest.mark.django_db
    @override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.org"])
    def test_listed_origins_may_read_the_api(self, client: Client) -> None:
        response = client.get("/api/v1/actors/", HTTP_ORIGIN="https://app.example.org")
        assert response["Access-Control-Allow-Origin"] == "https://app.example.org"
        assert "etag" in response["Access-Control-Expose-Headers"].lower()

    @pytest.mark.django_db
    @override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.org"])
    def test_other_origins_get_no_cors_headers(self, client: Client) -> None:
        response = client.get("/api/v1/actors/", HTTP_ORIGIN="https://evil.example.com")
        assert "Access-Control-Allow-Origin" not in response

    @pytest.mark.django_db
    @override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.org"])
    def test_a_preflight_allows_the_api_headers(self, client: Client) -> None:
        response = client.options(
            "/api/v1/positions/",
            HTTP_ORIGIN="https://app.example.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, idempotency-key, if-match",
        )
        assert response.status_code == 200
        allowed = response["Access-Control-Allow-Headers"].lower()
        assert {"authorization", "idempotency-key", "if-match"} <= set(allowed.split(", "))


@pytest.mark.django_db
def test_api_answers_carry_the_security_headers(api_client: APIClient) -> None:
    make_actor(slug="ukraine")
    response = api_client.get("/api/v1/actors/ukraine/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_browsable_api_keeps_its_scripts(client: Client) -> None:
    response = client.get("/api/v1/actors/", HTTP_ACCEPT="text/html")
    assert "Content-Security-Policy" not in response


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_by_a_real_server(live_server: object) -> None:
    """Through a real socket, with a Content-Length over the limit: 413 before any parsing."""
    import http.client
    import json
    from urllib.parse import urlsplit

    url = urlsplit(live_server.url)  # type: ignore[attr-defined]
    body = json.dumps({"kind": "other", "title": "x" * (3 * 1024 * 1024)})
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    connection.request(
        "POST", "/api/v1/sources/", body=body, headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["errors"][0]["code"] == "payload_too_large"


def test_throttling_counts_live_in_memory_unless_redis_is_configured() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'])"
    )
    assert run_python(code, DEBUG="true").stdout.strip().endswith("LocMemCache")
    with_redis = run_python(code, DEBUG="true", REDIS_URL="redis://127.0.0.1:6379/1")
    assert with_redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
