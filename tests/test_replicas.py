"""Reads go to a replica, writes and the reads of a write to the primary.

The replica here is a second alias onto the test database, as a streaming
replica would be a second server holding the same data.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import OperationalError, connections, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from tests.conftest import REPLICA, data_reads, queries_on
from tests.factories import make_actor, make_event, make_position
from tracker import replica_health
from tracker.db import ReplicaRouter, primary_only

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def test_reads_go_to_the_replica(replica: str, api_client: APIClient) -> None:
    actor = make_actor()
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        response = api_client.get(reverse("api:actor-detail", kwargs={"slug": actor.slug}))
    assert response.status_code == 200
    assert len(on_replica) > 0
    assert len(primary) == 0


def test_a_write_request_reads_and_writes_on_the_primary(
    replica: str, curator_client: APIClient
) -> None:
    actor = make_actor()
    url = reverse("api:actor-detail", kwargs={"slug": actor.slug})
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        response = curator_client.patch(url, {"short_name": "NA"}, format="json")
    assert response.status_code == 200
    assert len(on_replica) == 0
    assert len(primary) > 0
    assert Actor.objects.using("default").get(pk=actor.pk).short_name == "NA"


def test_reads_in_a_transaction_or_pinned_stay_on_the_primary(replica: str) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Actor) == replica
    with transaction.atomic():
        assert router.db_for_read(Actor) == "default"
    with primary_only():
        assert router.db_for_read(Actor) == "default"
    assert router.db_for_write(Actor) == "default"
    assert router.allow_migrate(replica, "actors") is False


def test_a_response_matrix_reads_its_event_and_positions_on_the_replica(
    replica: str, api_client: APIClient
) -> None:
    event = make_event()
    make_position(event=event)
    url = reverse("api:event-matrix", kwargs={"slug": event.slug})
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        matrix = api_client.get(url).json()
    assert matrix["totals"]["total"] == 1
    # Beside the question how far it has replayed (on PostgreSQL):
    assert len(data_reads(on_replica)) == 2
    assert len(primary) == 0


def test_an_export_reads_everything_on_the_replica_it_started_on(
    replica: str, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The count, the rows and the many-valued columns are one snapshot: when
    # the router would pick another database half-way, the export stays put.
    event = make_event()
    event.participants.set([make_actor(), make_actor()])
    picks = iter([replica])
    monkeypatch.setattr(
        ReplicaRouter, "db_for_read", lambda self, model, **hints: next(picks, "default")
    )
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        response = api_client.get(reverse("api:event-export"))
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert len(body.splitlines()) == 2
    assert any("participant" in query["sql"] for query in on_replica.captured_queries)
    assert [query["sql"] for query in primary.captured_queries] == []


def test_a_replica_that_does_not_answer_gets_no_reads(
    replica: str, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(alias: str) -> float:
        raise OperationalError("connection refused")

    monkeypatch.setattr(replica_health, "lag_seconds", unreachable)
    actor = make_actor()
    with queries_on("default") as primary, queries_on(replica) as on_replica:
        response = api_client.get(reverse("api:actor-detail", kwargs={"slug": actor.slug}))
    assert response.status_code == 200
    assert len(primary) > 0
    assert len(on_replica) == 0


def test_a_replica_too_far_behind_gets_reads_again_once_it_has_caught_up(
    replica: str, api_client: APIClient, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.REPLICA_MAX_LAG_SECONDS = 5
    lag = {"seconds": 30.0}
    monkeypatch.setattr(replica_health, "lag_seconds", lambda alias: lag["seconds"])
    url = reverse("api:actor-detail", kwargs={"slug": make_actor().slug})
    with queries_on(replica) as on_replica:
        assert api_client.get(url).status_code == 200
    assert len(on_replica) == 0
    lag["seconds"] = 1.0
    replica_health.check_again()  # as a second later
    with queries_on(replica) as on_replica:
        assert api_client.get(url).status_code == 200
    assert len(on_replica) > 0


def test_a_read_cut_by_a_replica_going_away_is_answered_from_the_primary(replica: str) -> None:
    # The first try's error is reported (logged, signalled) as on a server,
    # where the test client would raise it.
    api_client = APIClient(raise_request_exception=False)
    actor = make_actor()
    replica_health.usable([replica])  # checked and found well, just before it goes

    def gone(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    with connections[replica].execute_wrapper(gone), queries_on("default") as primary:
        response = api_client.get(reverse("api:actor-detail", kwargs={"slug": actor.slug}))
    assert response.status_code == 200
    assert response.json()["slug"] == actor.slug
    assert len(primary) > 0


def test_a_read_cancelled_by_the_replicas_replay_is_answered_from_the_primary(
    replica: str,
) -> None:
    # A standby cancels a query whose snapshot still needs rows that replay removes.
    api_client = APIClient(raise_request_exception=False)
    actor = make_actor()
    replica_health.usable([replica])

    def cancelled(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        try:
            raise psycopg.errors.SerializationFailure("conflict with recovery")
        except psycopg.Error as cause:
            raise OperationalError("canceling statement due to conflict with recovery") from cause

    with connections[replica].execute_wrapper(cancelled), queries_on("default") as primary:
        response = api_client.get(reverse("api:actor-detail", kwargs={"slug": actor.slug}))
    assert response.status_code == 200
    assert response.json()["slug"] == actor.slug
    assert len(primary) > 0


def test_a_write_is_never_answered_twice(
    replica: str, curator_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only safe requests are answered again after a 503; a write's 503 stands.
    from rest_framework.response import Response

    from actors.api.views import ActorViewSet

    calls = []

    def unavailable(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        calls.append(request.method)
        return Response(status=503)

    monkeypatch.setattr(ActorViewSet, "create", unavailable)
    response = curator_client.post(reverse("api:actor-list"), {}, format="json")
    assert response.status_code == 503
    assert calls == ["POST"]
