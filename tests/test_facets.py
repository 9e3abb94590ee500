"""Facets: a list's counts by its main dimensions, for its current filters."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from actors.choices import ActorKind
from actors.models import Actor
from responses.choices import MeasureStatus, Stance
from tests.factories import make_actor, make_conflict, make_event, make_measure, make_position

pytestmark = pytest.mark.django_db

URL = "/api/v1/positions/"


@pytest.fixture
def world() -> dict[str, Actor]:
    """EU: 3 condemnations and 1 call for talks; Russia: 2 threats, all on one event."""
    eu = make_actor(slug="eu", name="European Union", kind=ActorKind.SUPRANATIONAL_UNION)
    russia = make_actor(slug="russia", name="Russia", kind=ActorKind.STATE)
    war = make_conflict(slug="war", name="The war")
    strike = make_event(slug="strike", title="Drone strike", conflict=war)
    talks = make_event(slug="talks", title="Talks")
    for month in (1, 1, 3):
        make_position(
            actor=eu,
            event=strike,
            stance=Stance.CONDEMN,
            stated_on=datetime.date(2025, month, 5),
            stated_on_precision="day",
        )
    make_position(
        actor=eu,
        event=talks,
        stance=Stance.CALL_FOR_TALKS,
        stated_on=datetime.date(2024, 7, 1),
        stated_on_precision="day",
    )
    for _ in range(2):
        make_position(
            actor=russia,
            event=strike,
            stance=Stance.THREATEN,
            stated_on=datetime.date(2025, 3, 9),
            stated_on_precision="day",
        )
    return {"eu": eu, "russia": russia}


def facet(body: dict[str, Any], name: str) -> list[tuple[str, str, int]]:
    return [
        (item["value"], item["label"], item["count"]) for item in body["facets"][name]["values"]
    ]


def test_no_facets_unless_asked(api_client: APIClient, world: Any) -> None:
    assert "facets" not in api_client.get(URL).json()


def test_counts_by_stance_actor_and_relation_for_the_whole_list(
    api_client: APIClient, world: Any
) -> None:
    body = api_client.get(URL, {"facets": "stance,actor,conflict,actor_kind"}).json()

    assert facet(body, "stance") == [
        ("condemn", "Condemn", 3),
        ("threaten", "Threaten", 2),
        ("call_for_talks", "Call for talks", 1),
    ]
    assert facet(body, "actor") == [("eu", "European Union", 4), ("russia", "Russia", 2)]
    # The talks have no conflict: a record with no value is in no group.
    assert facet(body, "conflict") == [("war", "The war", 5)]
    assert facet(body, "actor_kind") == [
        ("supranational_union", "Supranational union", 4),
        ("state", "State", 2),
    ]
    assert body["facets"]["stance"]["truncated"] is False
    assert body["facets"]["stance"]["timed_out"] is False
    assert body["count"] == 6  # the page itself is unchanged


def test_counts_follow_the_filters(api_client: APIClient, world: Any) -> None:
    body = api_client.get(URL, {"actor": "eu", "facets": "stance,event"}).json()

    assert facet(body, "stance") == [
        ("condemn", "Condemn", 3),
        ("call_for_talks", "Call for talks", 1),
    ]
    assert facet(body, "event") == [("strike", "Drone strike", 3), ("talks", "Talks", 1)]


def test_periods_are_the_latest_first_and_narrow_by_dates(
    api_client: APIClient, world: Any
) -> None:
    body = api_client.get(URL, {"facets": ["month", "year"]}).json()

    assert facet(body, "month") == [
        ("2025-03-01", "2025-03", 3),
        ("2025-01-01", "2025-01", 2),
        ("2024-07-01", "2024-07", 1),
    ]
    assert facet(body, "year") == [("2025-01-01", "2025", 5), ("2024-01-01", "2024", 1)]
    march = body["facets"]["month"]["values"][0]["url"]
    narrowed = api_client.get(march).json()
    assert narrowed["count"] == 3
    assert parse_qs(urlsplit(march).query)["stated_before"] == ["2025-03-31"]


def test_each_count_links_to_the_list_it_counted(api_client: APIClient, world: Any) -> None:
    body = api_client.get(URL, {"facets": "stance,actor", "offset": "2", "limit": "2"}).json()

    for name in ("stance", "actor"):
        for item in body["facets"][name]["values"]:
            query = parse_qs(urlsplit(item["url"]).query)
            assert "offset" not in query  # a narrowed list starts at its first page
            assert query["limit"] == ["2"]
            assert api_client.get(item["url"]).json()["count"] == item["count"]


def test_a_selected_value_links_to_the_list_without_it(api_client: APIClient, world: Any) -> None:
    body = api_client.get(URL, {"stance": "threaten", "facets": "stance"}).json()

    [threaten] = body["facets"]["stance"]["values"]
    assert threaten["selected"] is True
    assert "stance" not in parse_qs(urlsplit(threaten["url"]).query)


def test_facet_size_bounds_each_facet(api_client: APIClient, world: Any) -> None:
    body = api_client.get(URL, {"facets": "stance", "facet_size": "1"}).json()

    assert facet(body, "stance") == [("condemn", "Condemn", 3)]
    assert body["facets"]["stance"]["truncated"] is True


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ({"facets": "stance,colour"}, "facets"),
        ({"facets": "stance", "facet_size": 0}, "facet_size"),
        ({"facets": "stance", "facet_size": 51}, "facet_size"),
        ({"facets": "stance", "facet_size": "ten"}, "facet_size"),
    ],
)
def test_bad_facet_parameters_are_a_400_naming_them(
    api_client: APIClient, world: Any, query: dict[str, Any], attr: str
) -> None:
    response = api_client.get(URL, query)

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [attr]


def test_a_facet_past_the_time_limit_says_so(
    api_client: APIClient, world: Any, settings: Any
) -> None:
    settings.FACETS_TIME_LIMIT = 0

    body = api_client.get(URL, {"facets": "stance"}).json()

    assert body["facets"]["stance"] == {"values": [], "truncated": False, "timed_out": True}
    assert body["count"] == 6


def test_other_lists_have_their_own_facets(api_client: APIClient) -> None:
    make_measure(actor=make_actor(slug="eu", kind=ActorKind.SUPRANATIONAL_UNION))
    make_measure(status=MeasureStatus.IN_FORCE)
    make_event(kind="drone_strike")
    make_event(kind="drone_strike")

    measures = api_client.get("/api/v1/measures/", {"facets": "status,actor_kind"}).json()
    events = api_client.get("/api/v1/events/", {"facets": "kind"}).json()
    actors = api_client.get("/api/v1/actors/", {"facets": "kind"}).json()

    assert {value for value, _label, _count in facet(measures, "status")} == {
        MeasureStatus.THREATENED,
        MeasureStatus.IN_FORCE,
    }
    assert facet(events, "kind") == [("drone_strike", "Drone strike", 2)]
    assert sum(count for _value, _label, count in facet(actors, "kind")) == actors["count"]


def test_queries_do_not_grow_with_the_groups(api_client: APIClient, world: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_client.get(URL, {"facets": "actor,event,stance,month"}).status_code == 200
        return len(captured)

    before = queries()
    for number in range(5):
        make_position(
            actor=make_actor(),
            event=make_event(),
            stated_on=datetime.date(2020, 1, 1 + number),
            stated_on_precision="day",
        )

    assert queries() == before


def test_the_browsable_list_shows_facets_that_narrow_it(client: Any, world: Any) -> None:
    page = client.get(URL, HTTP_ACCEPT="text/html").content.decode()

    assert "International response tracker" in page
    assert 'data-facet="stance"' in page
    assert 'href="http://testserver/api/v1/positions/?stance=condemn"' in page
    assert "European Union" in page

    narrowed = client.get(URL, {"stance": "condemn"}, HTTP_ACCEPT="text/html").content.decode()
    assert "Remove this filter" in narrowed
