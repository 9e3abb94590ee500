"""PostgreSQL plans a repeated read once: parameters are bound on the server
and a statement the connection has run twice is prepared (tracker/settings.py)."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import make_position
from tests.production import run_python

DATABASE_OPTIONS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({alias: db.get('OPTIONS', {}) for alias, db in settings.DATABASES.items()}))"
)


def prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {statement for (statement,) in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection option")
@pytest.mark.skipif(
    not connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"),
    reason="DATABASE_PREPARED_STATEMENTS=false",
)
def test_a_detail_read_again_is_prepared_once_for_any_key(api_client: APIClient) -> None:
    positions = [make_position() for _ in range(3)]
    before = prepared_statements()
    for position in positions:
        response = api_client.get(f"/api/v1/positions/{position.pk}/")
        assert response.status_code == 200
        assert response.json()["id"] == position.pk
    # The position's row with its sources joined, one statement for three
    # different positions: the id is a parameter, not part of the text.
    prepared = prepared_statements() - before
    assert len(prepared) == 1
    (read,) = prepared
    assert 'JOIN "responses_source"' in read
    assert '"responses_position"."id" = $1' in read


def database_options(prepared: str) -> dict[str, dict[str, Any]]:
    """Each alias's OPTIONS, as settings make them for a primary and two replicas."""
    result = run_python(
        DATABASE_OPTIONS,
        DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/primary",
        DATABASE_REPLICA_URLS=(
            "postgres://postgres@127.0.0.1:5432/one,postgres://postgres@127.0.0.1:5432/two"
        ),
        DATABASE_PREPARED_STATEMENTS=prepared,
    )
    return cast(dict[str, dict[str, Any]], json.loads(result.stdout))


def test_replicas_get_the_primarys_options_and_prepared_statements_can_be_turned_off() -> None:
    options = database_options("true")
    assert options["default"]["server_side_binding"] is True
    assert options["default"]["prepare_threshold"] == 2
    # And a short connection timeout, so that a replica that went away is seen quickly.
    assert (
        options["replica1"] == options["replica2"] == {**options["default"], "connect_timeout": 2}
    )

    options = database_options("false")
    assert "server_side_binding" not in options["default"]
    assert "prepare_threshold" not in options["replica1"]
    assert options["default"]["options"] == options["replica1"]["options"]
