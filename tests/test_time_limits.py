"""A read stopped by the database when its time is up, and the connection still usable."""

from __future__ import annotations

import pytest
from django.db import connection

from tracker.time_limits import TimedOut, within

pytestmark = pytest.mark.django_db

# Runs for seconds on either database unless stopped.
SLOW = {
    "postgresql": "SELECT pg_sleep(5)",
    "sqlite": (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000)"
        " SELECT count(*) FROM n"
    ),
}


def test_a_read_past_its_time_is_stopped_and_the_connection_goes_on() -> None:
    with pytest.raises(TimedOut), within(0.05, "default"), connection.cursor() as cursor:
        cursor.execute(SLOW[connection.vendor])

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_read_within_its_time_answers() -> None:
    with within(5, "default"), connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_the_time_limit_ends_with_the_block() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (before,) = cursor.fetchone()
    with pytest.raises(TimedOut), within(0.05, "default"), connection.cursor() as cursor:
        cursor.execute(SLOW["postgresql"])

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (before,)
