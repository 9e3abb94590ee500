from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.cache import caches
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.production import ready_to_serve
from tracker import replica_health

# A read replica for the router's tests: a second alias onto the test database
# (TEST MIRROR), as a streaming replica holds the primary's data. Nothing is
# routed to it unless a test turns the router on (tests/test_replicas.py).
REPLICA = "replica1"
if REPLICA not in settings.DATABASES:
    settings.DATABASES[REPLICA] = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}
    connections.settings[REPLICA] = connections.configure_settings(
        {"default": settings.DATABASES["default"], REPLICA: settings.DATABASES[REPLICA]}
    )[REPLICA]


@pytest.fixture(autouse=True, scope="session")
def _no_throttling() -> Iterator[None]:
    """Tests send many requests from one address: throttling is tested on its own
    (tests/test_security.py, tests/accounts/test_bad_credentials.py), with its own rates."""
    rates = {"anon": None, "user": None, "failed_token": None}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        yield


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """Builds users holding the named permissions ("responses.add_position", ...)."""

    def build(username: str, *permissions: str) -> User:
        user = User.objects.create_user(username=username, password="a-long-test-password")
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return user

    return build


@pytest.fixture
def curator(make_user: Callable[..., User]) -> User:
    """Alice, a curator who may add, change and delete every record."""
    codenames = [
        f"{app}.{verb}_{model}"
        for app, models in {
            "actors": ["actor", "membership"],
            "responses": ["conflict", "event", "position", "measure", "source"],
        }.items()
        for model in models
        for verb in ("add", "change", "delete", "view")
    ]
    return make_user("alice", *codenames)


@pytest.fixture
def reader(make_user: Callable[..., User]) -> User:
    """Bob, signed in but without any permission to write."""
    return make_user("bob")


@pytest.fixture
def curator_client(curator: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(curator)
    return client


@pytest.fixture
def reader_client(reader: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(reader)
    return client


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How much the schema fuzzing (tests/fuzz) did: operations and requests checked.

    Here rather than in tests/fuzz so that pytest-xdist's controller sees it.
    """
    counts = [
        value
        for outcome in ("passed", "failed")
        for report in terminalreporter.stats.get(outcome, [])
        if report.when == "call"
        for key, value in report.user_properties
        if key == "requests"
    ]
    if counts:
        terminalreporter.write_line(
            f"schemathesis: {len(counts)} operations, {sum(counts)} requests checked"
        )


@pytest.fixture(scope="session")
def ready_environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Production settings, a migrated database and collected static files: a server starts."""
    return ready_to_serve(tmp_path_factory.mktemp("ready"))


@pytest.fixture
def replica(settings: Any) -> Iterator[str]:
    """The router on, with the replica alias above, its health checked afresh."""
    settings.DATABASE_REPLICAS = [REPLICA]
    settings.DATABASE_ROUTERS = ["tracker.db.ReplicaRouter"]
    replica_health.check_again()
    yield REPLICA
    replica_health.check_again()


def queries_on(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def data_reads(queries: CaptureQueriesContext) -> list[str]:
    """The queries but the question how far a replica has replayed."""
    return [q["sql"] for q in queries.captured_queries if q["sql"] != replica_health.REPLAYED_SQL]


class ReplayedLog:
    """The log positions the primary and the replica report, as a standby would lag."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.primary, self.replica = 100, 100
        monkeypatch.setattr(replica_health, "primary_position", lambda: self.primary)
        monkeypatch.setattr(replica_health, "replayed", lambda alias: self.replica)


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> ReplayedLog:
    caches["default"].clear()
    return ReplayedLog(monkeypatch)
