"""Full-text search with q: the same answers on PostgreSQL and SQLite for simple queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from tests.factories import make_actor, make_event, make_measure, make_position
from tracker.api import pagination

pytestmark = pytest.mark.django_db


def found(response: Any) -> list[Any]:
    assert response.status_code == 200, response.json()
    return [row.get("slug", row.get("id")) for row in response.json()["results"]]


@pytest.fixture
def statements() -> dict[str, Any]:
    un = make_actor(
        slug="united-nations",
        name="United Nations",
        short_name="UN",
        aliases=["U.N."],
        kind=ActorKind.INTERNATIONAL_ORGANIZATION,
    )
    eu = make_actor(slug="european-union", name="European Union", short_name="EU")
    strike = make_event(slug="kyiv-drone-strike", title="Russian drone strike on Kyiv")
    return {
        "un": un,
        "talks": make_position(
            actor=un, event=strike, stance="call_for_talks", summary="Calls for peace talks."
        ),
        "ceasefire": make_position(
            actor=un,
            event=strike,
            stance="urge_ceasefire",
            summary="Urges an immediate ceasefire.",
            quote="peace must come first",
        ),
        "sanctions": make_position(
            actor=eu,
            event=strike,
            stance="threaten",
            summary="Threatens additional sanctions on Russia.",
        ),
    }


def test_an_alias_finds_the_actor(api_client: APIClient, statements: dict[str, Any]) -> None:
    assert found(api_client.get(reverse("api:actor-list"), {"q": "U.N."})) == ["united-nations"]


def test_every_word_must_match(api_client: APIClient, statements: dict[str, Any]) -> None:
    response = api_client.get(reverse("api:position-list"), {"q": "peace talks"})
    assert found(response) == [statements["talks"].pk]


def test_a_quoted_phrase_matches_as_a_phrase(
    api_client: APIClient, statements: dict[str, Any]
) -> None:
    response = api_client.get(reverse("api:position-list"), {"q": '"peace must"'})
    assert found(response) == [statements["ceasefire"].pk]


def test_positions_are_found_by_their_actors_name(
    api_client: APIClient, statements: dict[str, Any]
) -> None:
    response = api_client.get(reverse("api:position-list"), {"q": "united nations"})
    assert sorted(found(response)) == sorted([statements["talks"].pk, statements["ceasefire"].pk])


def test_a_renamed_actor_is_found_by_its_new_name(
    api_client: APIClient, statements: dict[str, Any]
) -> None:
    statements["un"].name = "Organisation des Nations unies"
    statements["un"].save()
    response = api_client.get(reverse("api:position-list"), {"q": "Organisation"})
    assert sorted(found(response)) == sorted([statements["talks"].pk, statements["ceasefire"].pk])


def test_measures_are_found_by_their_condition(api_client: APIClient) -> None:
    measure = make_measure(condition="if such hostile actions continue")
    make_measure()
    assert found(api_client.get(reverse("api:measure-list"), {"q": "hostile"})) == [measure.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking needs PostgreSQL")
def test_names_rank_above_summaries_and_summaries_above_quotes(api_client: APIClient) -> None:
    event = make_event()
    in_quote = make_position(event=event, summary="Says little.", quote="about Kherson")
    in_summary = make_position(event=event, summary="Speaks about Kherson.")
    in_name = make_position(
        actor=make_actor(name="Kherson regional council"), event=event, summary="Says little."
    )
    response = api_client.get(
        reverse("api:position-list"), {"q": "Kherson", "ordering": "-relevance"}
    )
    assert found(response) == [in_name.pk, in_summary.pk, in_quote.pk]
    reversed_ = api_client.get(
        reverse("api:position-list"), {"q": "Kherson", "ordering": "relevance"}
    )
    assert found(reversed_) == [in_quote.pk, in_summary.pk, in_name.pk]


def test_pages_of_matches_that_tie_neither_repeat_nor_skip(api_client: APIClient) -> None:
    for number in range(4):
        make_actor(slug=f"ministry-{number}", name="Ministry of Foreign Affairs")
    seen = [
        row["slug"]
        for offset in range(4)
        for row in api_client.get(
            reverse("api:actor-list"), {"q": "ministry", "limit": "1", "offset": str(offset)}
        ).json()["results"]
    ]
    assert sorted(seen) == [f"ministry-{number}" for number in range(4)]


def test_matches_keep_the_lists_ordering_unless_asked_to_rank(api_client: APIClient) -> None:
    event = make_event()
    oldest = make_position(
        actor=make_actor(name="Kherson regional council"),
        event=event,
        stated_on=datetime.date(2022, 11, 11),
        stated_on_precision="day",
    )
    newest = make_position(
        event=event,
        quote="about Kherson",
        stated_on=datetime.date(2024, 2, 1),
        stated_on_precision="day",
    )
    middle = make_position(
        event=event,
        summary="Speaks about Kherson.",
        stated_on=datetime.date(2023, 6, 6),
        stated_on_precision="day",
    )
    response = api_client.get(reverse("api:position-list"), {"q": "Kherson"})
    assert found(response) == [newest.pk, middle.pk, oldest.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates need PostgreSQL")
def test_a_common_words_count_is_the_planners_estimate_without_counting(
    api_client: APIClient, settings: Any
) -> None:
    settings.API_EXACT_COUNT_LIMIT = 2
    event = make_event()
    for _ in range(6):
        make_position(event=event, summary="Calls for a ceasefire.")
    make_position(event=event, summary="Condemns the strike on Odesa.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE responses_position")
    common = api_client.get(reverse("api:position-list"), {"q": "ceasefire"})
    assert common.json()["count"] == 6
    with CaptureQueriesContext(connection) as queries:
        rare = api_client.get(reverse("api:position-list"), {"q": "Odesa"})
    assert rare.json()["count"] == 1
    assert [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates need PostgreSQL")
def test_a_search_the_planner_overestimates_still_counts_what_it_finds(
    api_client: APIClient, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The planner multiplies word frequencies: "ceasefire -ceasefire" matches
    # nothing, yet may be expected to match thousands.
    settings.API_EXACT_COUNT_LIMIT = 2
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 90_000)
    event = make_event()
    for _ in range(2):
        make_position(event=event, summary="Calls for a ceasefire.")
    url = reverse("api:position-list")
    assert api_client.get(url, {"q": "ceasefire -ceasefire"}).json()["count"] == 0
    assert api_client.get(url, {"q": "ceasefire"}).json()["count"] == 2
    make_position(event=event, summary="Calls for a ceasefire again.")
    assert api_client.get(url, {"q": "ceasefire"}).json()["count"] == 90_000


def test_relevance_ordering_without_a_query_is_harmless(
    api_client: APIClient, statements: dict[str, Any]
) -> None:
    response = api_client.get(reverse("api:position-list"), {"ordering": "-relevance"})
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_a_search_too_slow_to_count_on_sqlite_still_answers_its_page(
    api_client: APIClient, settings: Any
) -> None:
    make_position(summary="Condemns the shelling of the port.")
    settings.SEARCH_COUNT_TIME_LIMIT = 0

    body = api_client.get("/api/v1/positions/", {"q": "shelling"}).json()

    assert len(body["results"]) == 1
    # PostgreSQL estimates instead; SQLite gives the count up.
    assert body["count"] == (1 if connection.vendor == "postgresql" else None)


def test_facets_are_given_up_with_the_count(api_client: APIClient, settings: Any) -> None:
    make_position(summary="Condemns the shelling of the port.")
    settings.SEARCH_COUNT_TIME_LIMIT = 0

    body = api_client.get("/api/v1/positions/", {"q": "shelling", "facets": "stance"}).json()

    given_up = connection.vendor != "postgresql"
    assert body["facets"]["stance"]["timed_out"] is given_up


def test_a_search_of_many_words_over_many_names_answers(api_client: APIClient) -> None:
    # Named ids are kept to searches of a few words: each id is a bound value.
    for number in range(30):
        make_position(actor=make_actor(name=f"Alliance {number}"))
    words = " ".join(["alliance"] * 50)

    response = api_client.get(reverse("api:position-list"), {"q": words})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 30
