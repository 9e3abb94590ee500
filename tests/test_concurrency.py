"""Two curators at the same moment: one wins, the other is told, the history stays whole.

Each request runs in its own thread with its own database connection, all
released together by a barrier, against PostgreSQL (SQLite has no row locks
to test: it serialises whole transactions).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.urls import reverse
from rest_framework.test import APIClient

from responses.models import Measure, Source
from tests.factories import make_measure, make_source

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locking is tested on PostgreSQL (make test-postgres)")


def at_once(*requests: Callable[[], Any]) -> list[Any]:
    """Run the requests in parallel threads, released at the same instant."""
    barrier = threading.Barrier(len(requests))
    results: list[Any] = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index: int, request: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = request()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition(user: User, measure: Measure, source: Source, **body: Any) -> Callable[[], Any]:
    url = reverse("api:measure-transitions", kwargs={"pk": measure.pk})
    headers = {"HTTP_IF_MATCH": body.pop("if_match")} if "if_match" in body else {}
    return lambda: client_for(user).post(
        url, {"source": source.pk, **body}, format="json", **headers
    )


def assert_history_is_a_chain(measure: Measure) -> list[tuple[str, str]]:
    """Each change starts where the previous one ended, and the last is the status now."""
    measure.refresh_from_db()
    moves = list(
        measure.status_changes.order_by("created_at", "id").values_list("from_status", "to_status")
    )
    status = "threatened"
    for from_status, to_status in moves:
        assert from_status == status, moves
        status = to_status
    assert measure.status == status
    return moves


def test_with_expected_one_curator_wins_and_the_other_gets_a_409(
    curator: User, make_user: Callable[..., User]
) -> None:
    bob = make_user("bob-curator", "responses.change_measure")
    for _ in range(ROUNDS):
        measure, source = make_measure(), make_source()
        responses = at_once(
            transition(curator, measure, source, to="proposed", expected="threatened"),
            transition(bob, measure, source, to="withdrawn", expected="threatened"),
        )
        assert sorted(response.status_code for response in responses) == [201, 409]
        (winner,) = [response for response in responses if response.status_code == 201]
        (loser,) = [response for response in responses if response.status_code == 409]
        assert loser.json()["errors"][0]["code"] == "conflict"
        assert assert_history_is_a_chain(measure) == [("threatened", winner.json()["to_status"])]


def test_with_if_match_one_curator_wins_and_the_other_gets_a_412(
    curator: User, make_user: Callable[..., User]
) -> None:
    bob = make_user("bob-curator", "responses.change_measure")
    for _ in range(ROUNDS):
        measure, source = make_measure(), make_source()
        etag = client_for(curator).get(reverse("api:measure-detail", kwargs={"pk": measure.pk}))[
            "ETag"
        ]
        responses = at_once(
            transition(curator, measure, source, to="adopted", if_match=etag),
            transition(bob, measure, source, to="proposed", if_match=etag),
        )
        assert sorted(response.status_code for response in responses) == [201, 412]
        assert len(assert_history_is_a_chain(measure)) == 1


def test_without_a_guard_both_moves_are_applied_one_after_the_other(
    curator: User, make_user: Callable[..., User]
) -> None:
    """The row lock serialises them: the second starts from the first one's status."""
    bob = make_user("bob-curator", "responses.change_measure")
    for _ in range(ROUNDS):
        measure, source = make_measure(), make_source()
        responses = at_once(
            transition(curator, measure, source, to="proposed"),
            transition(bob, measure, source, to="adopted"),
        )
        codes = sorted(response.status_code for response in responses)
        # threatened -> adopted -> proposed is illegal, so the order decides.
        assert codes in ([201, 201], [201, 400])
        assert len(assert_history_is_a_chain(measure)) == codes.count(201)


def test_a_post_retried_while_the_first_still_runs_is_applied_once(curator: User) -> None:
    body = {"kind": "official_statement", "title": "Council statement"}
    url = reverse("api:source-list")

    def post() -> Any:
        return client_for(curator).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")

    responses = at_once(post, post, post)
    assert [response.status_code for response in responses] == [201, 201, 201]
    assert len({response.json()["id"] for response in responses}) == 1
    assert sum(response.has_header("Idempotent-Replayed") for response in responses) == 2
    assert Source.objects.filter(title="Council statement").count() == 1
