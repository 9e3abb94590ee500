"""Kept PostgreSQL connections are checked once they have sat idle (tracker.postgresql)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL backend"),
    pytest.mark.django_db,
]


@pytest.fixture
def kept() -> Iterator[Any]:
    """A connection of its own to the test database, kept between requests as in production."""
    settings_dict = {**connections["default"].settings_dict, "CONN_MAX_AGE": 60}
    wrapper = type(connections["default"])(settings_dict, alias="kept")
    wrapper.connect()
    yield wrapper
    wrapper.close()


def checks(wrapper: Any, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The health checks ``wrapper`` runs from now on, with their outcome."""
    done: list[bool] = []
    is_usable = wrapper.is_usable

    def counted() -> bool:
        done.append(is_usable())
        return done[-1]

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return done


def serve(wrapper: Any) -> Any:
    """One request's query, between Django's start- and end-of-request hooks."""
    wrapper.close_if_unusable_or_obsolete()
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]
    finally:
        wrapper.close_if_unusable_or_obsolete()


def kill(wrapper: Any) -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [wrapper.connection.info.backend_pid])


def test_the_backend_is_this_projects_with_a_second_of_trust() -> None:
    default = connections["default"]
    assert type(default).__module__ == "tracker.postgresql.base"
    assert default.settings_dict["HEALTH_CHECK_AFTER_IDLE"] == 1.0


def test_a_connection_used_a_moment_ago_is_not_checked(
    kept: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = checks(kept, monkeypatch)
    assert [serve(kept) for _ in range(3)] == [1, 1, 1]
    assert done == []


def test_a_connection_idle_for_longer_is_checked_and_replaced_if_dead(
    kept: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = checks(kept, monkeypatch)
    kept.last_used -= 5
    assert serve(kept) == 1
    assert done == [True]

    first = kept.connection
    kill(kept)
    kept.last_used -= 5
    assert serve(kept) == 1
    assert done == [True, False]
    assert kept.connection is not first


def test_a_connection_that_broke_within_the_moment_fails_one_request_only(kept: Any) -> None:
    kill(kept)
    with pytest.raises(OperationalError):
        serve(kept)
    assert kept.connection is None  # closed at the end of the failed request
    assert serve(kept) == 1


def test_zero_seconds_checks_before_every_request(
    kept: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept.settings_dict["HEALTH_CHECK_AFTER_IDLE"] = 0
    done = checks(kept, monkeypatch)
    assert [serve(kept) for _ in range(2)] == [1, 1]
    assert done == [True, True]
