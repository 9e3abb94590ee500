"""Follow-through: how often each actor's threats became measures adopted or in force."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from actors.models import Actor
from responses.choices import MeasureKind, MeasureStatus
from responses.lifecycle import transition_measure
from responses.models import Measure
from tests.factories import make_actor, make_measure, make_source
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db

URL = reverse("api:follow-through")
ZERO_COUNTS = dict.fromkeys(MeasureStatus.values, 0)


def day(month: int, date: int) -> datetime.date:
    return datetime.date(2024, month, date)


def record(
    actor: Actor,
    target: Actor,
    *moves: tuple[str, datetime.date | None],
    status: str = MeasureStatus.THREATENED,
    **fields: Any,
) -> Measure:
    """A measure recorded with ``status``, then moved along its lifecycle as sources report."""
    measure = make_measure(actor=actor, target=target, status=status, **fields)
    source = make_source()
    for to, on in moves:
        transition_measure(measure, to=to, on=on, source=source)
    return measure


@pytest.fixture
def world() -> None:
    """Three actors whose threats fare differently (see each test for the numbers).

    Atlantis carries out six of its nine threats; the four with a dated first
    adoption or entry into force took 10, 30, 20 and 5 days. Borduria never
    threatens. The Carpathian Union puts its one threat in force the day it
    announces it.
    """
    atlantis = make_actor(slug="atlantis", name="Atlantis", kind=ActorKind.STATE)
    borduria = make_actor(slug="borduria", name="Borduria", kind=ActorKind.STATE)
    union = make_actor(
        slug="carpathian-union", name="Carpathian Union", kind=ActorKind.SUPRANATIONAL_UNION
    )
    syldavia = make_actor(slug="syldavia", name="Syldavia", kind=ActorKind.STATE)

    # Adopted after 10 days, later in force and lifted.
    record(
        atlantis,
        syldavia,
        ("adopted", day(1, 11)),
        ("in_force", day(2, 1)),
        ("lifted", day(6, 1)),
        announced_on=day(1, 1),
    )
    # In force after 30 days, then suspended.
    record(
        atlantis,
        syldavia,
        ("in_force", day(1, 31)),
        ("suspended", day(3, 1)),
        announced_on=day(1, 1),
    )
    record(atlantis, syldavia, ("withdrawn", day(2, 10)), announced_on=day(2, 1))
    record(atlantis, syldavia, ("lapsed", day(3, 1)), announced_on=day(2, 1), deadline=day(2, 28))
    # Aid recorded when it was already flowing: never a threat.
    record(
        atlantis,
        syldavia,
        status=MeasureStatus.IN_FORCE,
        kind=MeasureKind.HUMANITARIAN_AID,
        announced_on=day(1, 5),
    )
    # Carried out, but the announcement date is unknown.
    record(atlantis, syldavia, ("adopted", day(5, 1)))
    # Proposed first, adopted after 20 days; entry into force does not count again.
    record(
        atlantis,
        syldavia,
        ("proposed", day(1, 5)),
        ("adopted", day(1, 21)),
        ("in_force", day(2, 1)),
        announced_on=day(1, 1),
    )
    # Adopted after 5 days.
    record(atlantis, syldavia, ("adopted", day(3, 6)), announced_on=day(3, 1))
    # Still only a threat.
    record(atlantis, syldavia, announced_on=day(4, 1))
    # Carried out, but the adoption is undated: its later entry into force
    # (60 days) is not the date of adoption, so it stays out of the median.
    record(
        atlantis,
        syldavia,
        ("adopted", None),
        ("in_force", day(3, 1)),
        announced_on=day(1, 1),
    )

    record(borduria, syldavia, status=MeasureStatus.PROPOSED, announced_on=day(1, 1))
    record(
        borduria,
        syldavia,
        ("adopted", day(1, 10)),
        status=MeasureStatus.PROPOSED,
        announced_on=day(1, 1),
    )

    record(union, borduria, ("in_force", day(2, 2)), announced_on=day(2, 2))


def rows_by_actor(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.json()
    return {row.pop("actor")["slug"]: row for row in response.json()["results"]}


def test_the_eu_has_threatened_sanctions_on_russia_and_not_yet_carried_them_out(
    api_client: APIClient,
) -> None:
    call_command("load_scenario", stdout=io.StringIO())

    response = api_client.get(URL)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [row] = response.json()["results"]
    assert row["actor"]["slug"] == "european-union"
    assert row == {
        "actor": row["actor"],
        "measures": 1,
        **ZERO_COUNTS,
        "threatened": 1,
        "threats": 1,
        "carried_out": 0,
        "follow_through": 0.0,
        "median_days_to_adoption": None,
    }


def test_each_actor_with_measures_gets_a_row_in_name_order(
    world: None, api_client: APIClient
) -> None:
    response = api_client.get(URL)

    assert response.json()["count"] == 3
    assert [row["actor"]["name"] for row in response.json()["results"]] == [
        "Atlantis",
        "Borduria",
        "Carpathian Union",
    ]
    assert set(response.json()["results"][0]["actor"]) == {
        "url",
        "slug",
        "name",
        "short_name",
        "kind",
    }


def test_follow_through_counts_threats_carried_out_and_the_median_wait(
    world: None, api_client: APIClient
) -> None:
    rows = rows_by_actor(api_client.get(URL))

    assert rows["atlantis"] == {
        "measures": 10,
        "threatened": 1,
        "proposed": 0,
        "adopted": 2,
        "in_force": 3,
        "suspended": 1,
        "lifted": 1,
        "withdrawn": 1,
        "lapsed": 1,
        "threats": 9,
        "carried_out": 6,
        "follow_through": 0.667,
        "median_days_to_adoption": 15.0,
    }


def test_an_actor_that_never_threatens_has_no_follow_through(
    world: None, api_client: APIClient
) -> None:
    rows = rows_by_actor(api_client.get(URL))

    assert rows["borduria"] == {
        "measures": 2,
        **ZERO_COUNTS,
        "proposed": 1,
        "adopted": 1,
        "threats": 0,
        "carried_out": 0,
        "follow_through": None,
        "median_days_to_adoption": None,
    }


def test_a_threat_carried_out_the_day_it_was_made_took_zero_days(
    world: None, api_client: APIClient
) -> None:
    rows = rows_by_actor(api_client.get(URL))

    assert rows["carpathian-union"]["in_force"] == 1
    assert rows["carpathian-union"]["follow_through"] == 1.0
    assert rows["carpathian-union"]["median_days_to_adoption"] == 0.0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor_kind": "supranational_union"}, ["carpathian-union"]),
        (
            {"actor_kind": ["state", "supranational_union"]},
            ["atlantis", "borduria", "carpathian-union"],
        ),
        ({"actor": "borduria"}, ["borduria"]),
        ({"actor": ["borduria", "atlantis"]}, ["atlantis", "borduria"]),
        ({"target": "borduria"}, ["carpathian-union"]),
        ({"kind": "humanitarian_aid"}, ["atlantis"]),
        ({"announced_before": "2024-01-01"}, ["atlantis", "borduria"]),
        ({"announced_after": "2024-02-02"}, ["atlantis", "carpathian-union"]),
    ],
)
def test_each_filter_narrows_the_actors(
    world: None, api_client: APIClient, query: dict[str, Any], expected: list[str]
) -> None:
    assert list(rows_by_actor(api_client.get(URL, query))) == expected


def test_filters_narrow_the_measures_each_row_counts(world: None, api_client: APIClient) -> None:
    rows = rows_by_actor(
        api_client.get(URL, {"announced_after": "2024-02-01", "announced_before": "2024-03-31"})
    )

    # Atlantis: the withdrawn, the lapsed and the 5-day threats.
    assert rows["atlantis"]["measures"] == 3
    assert rows["atlantis"]["threats"] == 3
    assert rows["atlantis"]["carried_out"] == 1
    assert rows["atlantis"]["follow_through"] == 0.333
    assert rows["atlantis"]["median_days_to_adoption"] == 5.0
    assert rows["carpathian-union"]["follow_through"] == 1.0


def test_aid_given_outright_counts_but_is_not_a_threat(world: None, api_client: APIClient) -> None:
    rows = rows_by_actor(api_client.get(URL, {"kind": "humanitarian_aid"}))

    assert rows["atlantis"]["measures"] == 1
    assert rows["atlantis"]["in_force"] == 1
    assert rows["atlantis"]["threats"] == 0
    assert rows["atlantis"]["follow_through"] is None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"actor_kind": "planet"}, "actor_kind"),
        ({"actor": "nobody"}, "actor"),
        ({"target": "nobody"}, "target"),
        ({"kind": "charm_offensive"}, "kind"),
        ({"announced_after": "last tuesday"}, "announced_after"),
        ({"announced_before": "2024-13-01"}, "announced_before"),
        ({"limit": "lots"}, "limit"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(
    world: None, api_client: APIClient, query: dict[str, str], parameter: str
) -> None:
    response = api_client.get(URL, query)

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert [error["attr"] for error in response.json()["errors"]] == [parameter]


def test_rows_are_paged(world: None, api_client: APIClient) -> None:
    first = api_client.get(URL, {"limit": 2}).json()
    second = api_client.get(URL, {"limit": 2, "offset": 2}).json()

    assert first["count"] == 3
    assert [row["actor"]["slug"] for row in first["results"]] == ["atlantis", "borduria"]
    assert first["next"] is not None
    assert [row["actor"]["slug"] for row in second["results"]] == ["carpathian-union"]
    assert second["next"] is None


def test_a_page_of_rows_downloads_as_csv_with_the_jsons_figures(
    world: None, api_client: APIClient
) -> None:
    rows = api_client.get(URL, {"limit": 2, "offset": 1}).json()["results"]
    response = api_client.get(URL, {"limit": "2", "offset": "1", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [line["actor_slug"] for line in lines] == [row["actor"]["slug"] for row in rows]
    for line, row in zip(lines, rows, strict=True):
        assert line["threats"] == str(row["threats"])
        assert line["carried_out"] == str(row["carried_out"])
        assert line["follow_through"] == (
            "" if row["follow_through"] is None else str(row["follow_through"])
        )
    bad = api_client.get(URL, {"actor_kind": "planet", "format": "csv"})
    assert bad.status_code == 400
    assert bad.json()["type"] == "validation_error"


def test_the_sync_cursor_of_other_lists_does_not_apply_to_statistics(
    world: None, api_client: APIClient
) -> None:
    response = api_client.get(URL, {"cursor": "", "limit": "1"})

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert [row["actor"]["slug"] for row in response.json()["results"]] == ["atlantis"]


def test_the_statistics_cost_the_same_queries_however_many_measures_and_actors(
    world: None, api_client: APIClient, django_assert_num_queries: Any
) -> None:
    # The number of rows for paging, that page's actors, and their
    # statistics: measures by status, the changes to adoption, the threats.
    with django_assert_num_queries(5):
        assert api_client.get(URL).json()["count"] == 3

    target = make_actor()
    for _ in range(8):
        actor = make_actor(kind=ActorKind.INTERNATIONAL_ORGANIZATION)
        record(actor, target, ("adopted", day(1, 2)), announced_on=day(1, 1))
        record(actor, target, ("withdrawn", day(1, 3)), announced_on=day(1, 1))
        record(actor, target, status=MeasureStatus.IN_FORCE)

    with django_assert_num_queries(5):
        assert api_client.get(URL).json()["count"] == 11


def test_the_schema_documents_the_filters_and_the_row(api_client: APIClient) -> None:
    schema = committed_schema()

    operation = schema["paths"]["/api/v1/stats/follow-through/"]["get"]
    parameters = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
    assert set(parameters) == {
        "actor_kind",
        "actor",
        "target",
        "kind",
        "announced_after",
        "announced_before",
        "limit",
        "offset",
        "format",
    }
    assert parameters["announced_after"]["format"] == "date"
    assert parameters["actor_kind"]["type"] == "array"
    row = schema["components"]["schemas"]["FollowThrough"]["properties"]
    assert row["follow_through"]["nullable"] is True
    assert row["median_days_to_adoption"]["nullable"] is True


def test_follow_through_rounds_an_exact_half_up(api_client: APIClient) -> None:
    # 1 of 16 is 0.0625: rounded half up as the database's numeric ROUND does,
    # not to the even 0.062 that Python's round() gives.
    actor = make_actor(slug="atlantis", name="Atlantis", kind=ActorKind.STATE)
    target = make_actor(slug="syldavia", name="Syldavia", kind=ActorKind.STATE)
    record(actor, target, ("adopted", day(1, 11)), announced_on=day(1, 1))
    for _ in range(15):
        record(actor, target, announced_on=day(1, 1))

    rows = rows_by_actor(api_client.get(URL))

    assert rows["atlantis"]["threats"] == 16
    assert rows["atlantis"]["carried_out"] == 1
    assert rows["atlantis"]["follow_through"] == 0.063


def test_measures_alike_in_all_but_their_key_count_one_each(api_client: APIClient) -> None:
    # Each measure is one row of the query however alike two of them are.
    actor = make_actor(slug="twins")
    target = make_actor()
    for _ in range(2):
        record(actor, target, ("adopted", day(1, 11)), announced_on=day(1, 1))

    row = rows_by_actor(api_client.get(URL))["twins"]

    assert (row["measures"], row["adopted"], row["threats"], row["carried_out"]) == (2, 2, 2, 2)
    assert row["median_days_to_adoption"] == 10.0
