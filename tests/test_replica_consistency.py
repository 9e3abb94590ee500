"""A read sees every write it must: replicas serve it only once they have replayed them.

The replica is an alias onto the test database (tests/conftest.py); how far
it and the primary have come in the write-ahead log is played by
``ReplayedLog``, so that a test can hold the replica back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import OperationalError, connection, connections
from django.db.backends.signals import connection_created
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from tests.conftest import REPLICA, ReplayedLog, queries_on
from tests.factories import make_actor
from tracker import freshness, replica_health
from tracker.db import ReplicaRouter

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def test_after_a_write_reads_wait_for_a_replica_that_has_replayed_it(
    replica: str, log: ReplayedLog, api_client: APIClient, curator_client: APIClient
) -> None:
    actor = make_actor()
    url = reverse("api:actor-detail", kwargs={"slug": actor.slug})
    log.primary = 200  # where the primary's log stands once the write has committed
    assert curator_client.patch(url, {"short_name": "NA"}, format="json").status_code == 200
    # The replica has not replayed it: the author's next read, and anyone's, is the primary's.
    with queries_on(replica) as on_replica:
        assert curator_client.get(url).json()["short_name"] == "NA"
        assert api_client.get(url).json()["short_name"] == "NA"
    assert len(on_replica) == 0
    log.replica = 200  # replayed: reads go back to the replica at once
    with queries_on(replica) as on_replica:
        assert api_client.get(url).json()["short_name"] == "NA"
    assert len(on_replica) > 0


def test_reads_stay_on_a_replica_that_keeps_up_while_others_write(
    replica: str, log: ReplayedLog, api_client: APIClient, curator_client: APIClient
) -> None:
    actor = make_actor()
    url = reverse("api:actor-detail", kwargs={"slug": actor.slug})
    for number in range(3):
        log.primary = log.replica = 300 + number
        patch = curator_client.patch(url, {"short_name": f"N{number}"}, format="json")
        assert patch.status_code == 200
        with queries_on(replica) as on_replica:
            assert api_client.get(url).json()["short_name"] == f"N{number}"
        assert len(on_replica) > 0


def test_a_cached_answer_is_stored_only_from_a_replica_holding_its_version(
    replica: str,
    log: ReplayedLog,
    settings: Any,
    api_client: APIClient,
    curator_client: APIClient,
) -> None:
    settings.API_CACHE_SECONDS = 60
    url = reverse("api:actor-detail", kwargs={"slug": make_actor().slug})
    log.primary = 400
    assert curator_client.patch(url, {"short_name": "NA"}, format="json").status_code == 200
    # The replica lags: the answer cached under the new version is the primary's.
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        assert api_client.get(url).json()["short_name"] == "NA"
    assert len(primary) > 0
    assert len(on_replica) == 0
    log.replica = 400
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        assert api_client.get(url).json()["short_name"] == "NA"
    assert len(primary) == len(on_replica) == 0  # from the cache


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's write-ahead log")
def test_positions_in_the_log_come_from_postgresql(replica: str) -> None:
    before = replica_health.primary_position()
    make_actor()
    assert replica_health.primary_position() > before > 0
    # The test replica is an alias onto the primary, which is no standby: it holds everything.
    assert replica_health.replayed(replica) == float("inf")


def test_a_replica_that_goes_away_while_asked_how_far_it_has_replayed_gets_no_reads(
    replica: str,
    log: ReplayedLog,
    monkeypatch: pytest.MonkeyPatch,
    api_client: APIClient,
    curator_client: APIClient,
) -> None:
    actor = make_actor()
    url = reverse("api:actor-detail", kwargs={"slug": actor.slug})
    log.primary = 500
    assert curator_client.patch(url, {"short_name": "NA"}, format="json").status_code == 200

    def gone(alias: str) -> float:
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica_health, "replayed", gone)
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        assert api_client.get(url).json()["short_name"] == "NA"
    assert len(primary) > 0
    assert len(on_replica) == 0


def test_only_the_tracked_data_is_read_on_a_replica(replica: str) -> None:
    # A session, a user or a token written a moment ago moves no data version.
    router = ReplicaRouter()
    assert router.db_for_read(Actor) == replica
    assert router.db_for_read(User) == "default"
    assert router.db_for_read(Session) == "default"


def test_after_logging_in_the_next_page_finds_the_session_on_the_primary(
    replica: str, log: ReplayedLog
) -> None:
    User.objects.create_superuser("chief", password="a-long-pass-phrase")
    browser = Client()
    login = browser.post(
        reverse("admin:login"), {"username": "chief", "password": "a-long-pass-phrase"}
    )
    assert login.status_code == 302
    # The replica holds the data version's position, which was taken before
    # the session middleware saved the login: the session must not be read there.
    log.replica = log.primary
    with queries_on(replica) as on_replica:
        assert browser.get(reverse("admin:index")).status_code == 200
    assert not [q for q in on_replica.captured_queries if "django_session" in q["sql"]]
    assert not [q for q in on_replica.captured_queries if "auth_user" in q["sql"]]


def test_a_request_keeps_the_data_version_it_started_with(replica: str) -> None:
    with freshness.one_version() as version:
        freshness.data_changed()  # a write commits while the request runs
        assert freshness.data_version() == version
    assert freshness.data_version() > version


def test_without_replicas_a_request_does_not_ask_for_the_data_version(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable() -> int:
        raise AssertionError("read the data version")

    monkeypatch.setattr(freshness, "data_version", unreachable)
    url = reverse("api:actor-detail", kwargs={"slug": make_actor().slug})
    assert api_client.get(url).status_code == 200


def test_a_primary_that_cannot_say_where_its_log_is_costs_the_replica_not_the_request(
    replica: str, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down() -> int:
        raise OperationalError("connection refused")

    url = reverse("api:actor-detail", kwargs={"slug": make_actor().slug})
    monkeypatch.setattr(replica_health, "primary_position", down)
    caches["default"].clear()  # no position kept for the current version
    with queries_on(replica) as on_replica:
        assert api_client.get(url).status_code == 200
    assert len(on_replica) == 0


def test_a_new_connection_to_a_replica_is_asked_afresh_how_far_it_has_replayed(
    replica: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = []

    def replayed(alias: str) -> float:
        asked.append(alias)
        return 500.0

    monkeypatch.setattr(replica_health, "replayed", replayed)
    assert replica_health.holding([replica], 400) == [replica]
    assert replica_health.holding([replica], 450) == [replica]
    assert asked == [replica]  # remembered
    connection_created.send(sender=type(connections[replica]), connection=connections[replica])
    assert replica_health.holding([replica], 450) == [replica]
    assert asked == [replica, replica]
