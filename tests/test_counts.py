"""counts/: records per period, split by one dimension, as JSON and CSV."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from responses.choices import MeasureStatus, Stance
from tests.factories import make_actor, make_event, make_measure, make_position

pytestmark = pytest.mark.django_db

URL = reverse("api:position-counts")


def day(year: int, month: int, date: int = 1) -> datetime.date:
    return datetime.date(year, month, date)


@pytest.fixture
def world() -> None:
    """EU: condemns in January and March 2025 (twice), calls for talks in March.
    Russia: threatens in February."""
    eu = make_actor(slug="eu", name="European Union", kind=ActorKind.SUPRANATIONAL_UNION)
    russia = make_actor(slug="russia", name="Russia", kind=ActorKind.STATE)
    event = make_event(slug="strike")
    for stated_on, stance in [
        (day(2025, 1, 31), Stance.CONDEMN),
        (day(2025, 3, 1), Stance.CONDEMN),
        (day(2025, 3, 20), Stance.CONDEMN),
        (day(2025, 3, 2), Stance.CALL_FOR_TALKS),
    ]:
        make_position(
            actor=eu, event=event, stance=stance, stated_on=stated_on, stated_on_precision="day"
        )
    make_position(
        actor=russia,
        event=event,
        stance=Stance.THREATEN,
        stated_on=day(2025, 2, 14),
        stated_on_precision="day",
    )
    make_position(actor=russia, event=event, stance=Stance.THREATEN, stated_on=None)


def test_per_month_with_the_empty_months_between(api_client: APIClient, world: Any) -> None:
    body = api_client.get(URL).json()

    assert body == {
        "period": "month",
        "by": None,
        "results": [
            {"period": "2025-01-01", "count": 1},
            {"period": "2025-02-01", "count": 1},
            {"period": "2025-03-01", "count": 3},
        ],
    }


def test_per_month_by_stance_for_one_actor(api_client: APIClient, world: Any) -> None:
    body = api_client.get(URL, {"actor": "eu", "by": "stance"}).json()

    assert body["by"] == "stance"
    assert body["results"] == [
        {"period": "2025-01-01", "stance": "condemn", "count": 1},
        {"period": "2025-01-01", "stance": "call_for_talks", "count": 0},
        {"period": "2025-02-01", "stance": "condemn", "count": 0},
        {"period": "2025-02-01", "stance": "call_for_talks", "count": 0},
        {"period": "2025-03-01", "stance": "condemn", "count": 2},
        {"period": "2025-03-01", "stance": "call_for_talks", "count": 1},
    ]


@pytest.mark.parametrize(
    ("period", "starts"),
    [
        ("year", ["2025-01-01"]),
        ("quarter", ["2025-01-01"]),
        ("week", ["2025-01-27", "2025-02-03", "2025-02-10", "2025-02-17", "2025-02-24"]),
    ],
)
def test_other_periods(api_client: APIClient, world: Any, period: str, starts: list[str]) -> None:
    results = api_client.get(URL, {"period": period}).json()["results"]

    assert [row["period"] for row in results][: len(starts)] == starts
    assert sum(row["count"] for row in results) == 5


def test_by_a_relation_counts_its_top_values_by_slug(api_client: APIClient, world: Any) -> None:
    results = api_client.get(URL, {"by": "actor", "period": "year", "top": "1"}).json()["results"]

    assert results == [{"period": "2025-01-01", "actor": "eu", "count": 4}]


def test_csv_has_the_same_rows(api_client: APIClient, world: Any) -> None:
    response = api_client.get(URL, {"actor": "eu", "by": "stance", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "positions-per-month-by-stance.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0] == {"period": "2025-01-01", "stance": "condemn", "count": "1"}
    assert len(rows) == 6


def test_measures_by_status(api_client: APIClient) -> None:
    make_measure(status=MeasureStatus.THREATENED, announced_on=day(2024, 5, 3))
    make_measure(status=MeasureStatus.IN_FORCE, announced_on=day(2024, 5, 9))

    results = api_client.get(
        reverse("api:measure-counts"), {"by": "status", "period": "year"}
    ).json()["results"]

    assert sorted((row["status"], row["count"]) for row in results) == [
        ("in_force", 1),
        ("threatened", 1),
    ]


def test_nothing_matching_is_an_empty_list(api_client: APIClient, world: Any) -> None:
    assert api_client.get(URL, {"actor": "eu", "stance": "threaten"}).json()["results"] == []


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ({"period": "decade"}, "period"),
        ({"by": "colour"}, "by"),
        ({"by": "month"}, "by"),
        ({"top": 0}, "top"),
        ({"actor": "atlantis"}, "actor"),
        ({"period": "day", "stated_after": "1900-01-01", "by": "stance"}, None),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(
    api_client: APIClient, world: Any, query: dict[str, Any], attr: str | None
) -> None:
    if attr is None:
        # Over MAX_ROWS rows: a record a century earlier makes the days run past it.
        make_position(stated_on=day(1900, 1, 1), stated_on_precision="day")
        attr = "period"
    response = api_client.get(URL, query)

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [attr]


def test_csv_errors_are_csv_as_the_lists_are(api_client: APIClient, world: Any) -> None:
    response = api_client.get(URL, {"period": "decade", "format": "csv"})

    assert response.status_code == 400
    [error] = csv.DictReader(io.StringIO(response.content.decode()))
    assert (error["attr"], error["code"]) == ("period", "invalid_choice")
