"""Every filter of every list, and the errors bad filter values get."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actors.choices import ActorKind
from responses.models import Measure, Position
from tests.factories import (
    make_actor,
    make_conflict,
    make_event,
    make_measure,
    make_membership,
    make_position,
    make_source,
)

pytestmark = pytest.mark.django_db


def ids(response: Any) -> list[Any]:
    assert response.status_code == 200, response.json()
    return [row.get("slug", row.get("id")) for row in response.json()["results"]]


@pytest.fixture
def positions() -> dict[str, Position]:
    eu = make_actor(
        slug="european-union",
        name="European Union",
        short_name="EU",
        kind=ActorKind.SUPRANATIONAL_UNION,
    )
    us = make_actor(slug="united-states", name="United States", country="US")
    russia = make_actor(slug="russia", name="Russia", country="RU")
    conflict = make_conflict(slug="russia-ukraine")
    strike = make_event(slug="kyiv-drone-strike", conflict=conflict)
    return {
        "eu": make_position(
            actor=eu,
            event=strike,
            target=russia,
            stance="threaten",
            cameo_code="1312",
            summary="Threatens additional sanctions.",
            stated_on=datetime.date(2026, 5, 1),
            stated_on_precision="day",
        ),
        "us": make_position(
            actor=us,
            event=strike,
            stance="criticize",
            summary="Criticizes the escalation.",
            quote="unacceptable",
            stated_on=datetime.date(2026, 6, 1),
            stated_on_precision="month",
        ),
        "other": make_position(target=russia, stance="urge_ceasefire", summary="Urges a truce."),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "european-union"}, ["eu"]),
        ({"actor": ["european-union", "united-states"]}, ["eu", "us"]),
        ({"actor_kind": "supranational_union"}, ["eu"]),
        ({"country": "us"}, ["us"]),
        ({"target": "russia"}, ["eu", "other"]),
        ({"event": "kyiv-drone-strike"}, ["eu", "us"]),
        ({"conflict": "russia-ukraine"}, ["eu", "us"]),
        ({"stance": "threaten"}, ["eu"]),
        ({"stance": ["threaten", "criticize"]}, ["eu", "us"]),
        ({"cameo_code": "1312"}, ["eu"]),
        ({"stated_after": "2026-05-15"}, ["us"]),
        ({"stated_before": "2026-05-15"}, ["eu"]),
        ({"q": "sanctions"}, ["eu"]),
        ({"q": "UNACCEPTABLE"}, ["us"]),
        ({"q": "EU"}, ["eu"]),
    ],
)
def test_positions_filter(api_client: APIClient, positions, params, expected) -> None:
    response = api_client.get(reverse("api:position-list"), params)
    assert sorted(ids(response)) == sorted(positions[name].pk for name in expected)


def test_positions_order_by_date(api_client: APIClient, positions) -> None:
    response = api_client.get(
        reverse("api:position-list"), {"ordering": "stated_on", "stated_after": "2000-01-01"}
    )
    assert ids(response) == [positions["eu"].pk, positions["us"].pk]
    response = api_client.get(
        reverse("api:position-list"), {"ordering": "-stated_on", "stated_after": "2000-01-01"}
    )
    assert ids(response) == [positions["us"].pk, positions["eu"].pk]


def test_positions_filter_by_the_actors_organization(api_client: APIClient, positions) -> None:
    nato = make_actor(slug="nato", kind=ActorKind.MILITARY_ALLIANCE)
    make_membership(member=positions["us"].actor, organization=nato)
    response = api_client.get(reverse("api:position-list"), {"actor_member_of": "nato"})
    assert ids(response) == [positions["us"].pk]


def test_one_requests_filters_and_errors_do_not_carry_over(
    api_client: APIClient, positions
) -> None:
    """Each request binds the shared filters and form anew."""
    url = reverse("api:position-list")
    assert ids(api_client.get(url, {"actor": "european-union"})) == [positions["eu"].pk]
    assert api_client.get(url, {"stance": "applaud"}).json()["errors"][0]["attr"] == "stance"
    assert ids(api_client.get(url, {"stance": "criticize"})) == [positions["us"].pk]
    assert api_client.get(url, {"actor": "atlantis"}).status_code == 400
    assert ids(api_client.get(url, {"actor": "united-states"})) == [positions["us"].pk]
    assert len(ids(api_client.get(url, {"ordering": "stance"}))) == 3


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"stance": "applaud"}, "stance"),
        ({"actor": "atlantis"}, "actor"),
        ({"stated_after": "yesterday"}, "stated_after"),
        ({"stated_before": "2026-02-30"}, "stated_before"),
        ({"ordering": "secret"}, "ordering"),
        ({"updated_since": "not-a-time"}, "updated_since"),
        ({"actor_kind": "planet"}, "actor_kind"),
    ],
)
def test_bad_filter_values_are_a_400_naming_the_parameter(
    api_client: APIClient, params, attr
) -> None:
    response = api_client.get(reverse("api:position-list"), params)
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert response.json()["errors"][0]["attr"] == attr


@pytest.mark.parametrize("q", ["' OR 1=1 --", "<script>", "100%", "a_b", "🛰️", '"quoted words"'])
def test_odd_search_text_is_just_text(api_client: APIClient, positions, q: str) -> None:
    response = api_client.get(reverse("api:position-list"), {"q": q})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_updated_since_returns_recent_changes(api_client: APIClient, positions) -> None:
    cutoff = timezone.now()
    positions["us"].summary = "Changed."
    positions["us"].save()
    response = api_client.get(reverse("api:position-list"), {"updated_since": cutoff.isoformat()})
    assert ids(response) == [positions["us"].pk]


@pytest.fixture
def measures() -> dict[str, Measure]:
    eu = make_actor(slug="european-union", kind=ActorKind.SUPRANATIONAL_UNION)
    us = make_actor(slug="united-states", country="US")
    russia = make_actor(slug="russia")
    ukraine = make_actor(slug="ukraine")
    strike = make_event(slug="kyiv-drone-strike", conflict=make_conflict(slug="russia-ukraine"))
    return {
        "sanctions": make_measure(
            actor=eu,
            target=russia,
            kind="sanctions",
            event=strike,
            condition="if such hostile actions continue",
            announced_on=datetime.date(2026, 5, 1),
        ),
        "aid": make_measure(
            actor=us,
            target=ukraine,
            kind="military_aid",
            status="in_force",
            announced_on=datetime.date(2026, 7, 1),
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "european-union"}, ["sanctions"]),
        ({"target": "ukraine"}, ["aid"]),
        ({"kind": "sanctions"}, ["sanctions"]),
        ({"status": "threatened"}, ["sanctions"]),
        ({"status": ["threatened", "in_force"]}, ["sanctions", "aid"]),
        ({"actor_kind": "state"}, ["aid"]),
        ({"country": "US"}, ["aid"]),
        ({"event": "kyiv-drone-strike"}, ["sanctions"]),
        ({"conflict": "russia-ukraine"}, ["sanctions"]),
        ({"announced_after": "2026-06-01"}, ["aid"]),
        ({"announced_before": "2026-06-01"}, ["sanctions"]),
        ({"q": "hostile"}, ["sanctions"]),
    ],
)
def test_measures_filter(api_client: APIClient, measures, params, expected) -> None:
    response = api_client.get(reverse("api:measure-list"), params)
    assert sorted(ids(response)) == sorted(measures[name].pk for name in expected)


def test_events_filter(api_client: APIClient) -> None:
    russia = make_actor(slug="russia")
    trump = make_actor(slug="donald-trump", kind=ActorKind.PERSON)
    conflict = make_conflict(slug="russia-ukraine")
    strike = make_event(
        slug="kyiv-drone-strike",
        kind="drone_strike",
        initiator=russia,
        conflict=conflict,
        country="UA",
        location="Kyiv",
        occurred_on=datetime.date(2026, 5, 1),
        occurred_on_precision="day",
    )
    call = make_event(slug="trump-putin-call", kind="diplomatic_contact")
    call.participants.add(trump)
    url = reverse("api:event-list")
    assert ids(api_client.get(url, {"kind": "drone_strike"})) == [strike.slug]
    assert ids(api_client.get(url, {"initiator": "russia"})) == [strike.slug]
    assert ids(api_client.get(url, {"participant": "donald-trump"})) == [call.slug]
    assert ids(api_client.get(url, {"conflict": "russia-ukraine"})) == [strike.slug]
    assert ids(api_client.get(url, {"country": "ua"})) == [strike.slug]
    assert ids(api_client.get(url, {"occurred_after": "2026-04-01"})) == [strike.slug]
    assert ids(api_client.get(url, {"occurred_before": "2026-04-01"})) == []
    assert ids(api_client.get(url, {"q": "kyiv"})) == [strike.slug]
    assert api_client.get(url, {"kind": "earthquake"}).status_code == 400


def test_sources_and_conflicts_filter(api_client: APIClient) -> None:
    statement = make_source(
        kind="official_statement", title="Council statement", published_on=datetime.date(2026, 5, 2)
    )
    make_source(kind="news_article", title="Article")
    url = reverse("api:source-list")
    assert ids(api_client.get(url, {"kind": "official_statement"})) == [statement.pk]
    assert ids(api_client.get(url, {"published_after": "2026-05-01"})) == [statement.pk]
    assert ids(api_client.get(url, {"q": "council"})) == [statement.pk]
    russia = make_actor(slug="russia")
    conflict = make_conflict(slug="russia-ukraine")
    conflict.parties.add(russia)
    make_conflict()
    url = reverse("api:conflict-list")
    assert ids(api_client.get(url, {"party": "russia"})) == ["russia-ukraine"]


def test_actors_filter(api_client: APIClient) -> None:
    un = make_actor(
        slug="united-nations",
        name="United Nations",
        aliases=["U.N."],
        kind=ActorKind.INTERNATIONAL_ORGANIZATION,
    )
    make_actor(slug="ukraine", name="Ukraine", country="UA")
    url = reverse("api:actor-list")
    assert ids(api_client.get(url, {"kind": "international_organization"})) == [un.slug]
    assert ids(api_client.get(url, {"country": "ua"})) == ["ukraine"]
    assert ids(api_client.get(url, {"q": "U.N."})) == [un.slug]
    assert ids(api_client.get(url, {"ordering": "-name"})) == ["united-nations", "ukraine"]


def test_status_changes_filter(api_client: APIClient, curator_client: APIClient) -> None:
    measure = make_measure()
    curator_client.post(
        reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
        {"to": "proposed", "on": "2026-03-01", "source": make_source().pk},
        format="json",
    )
    url = reverse("api:status-change-list")
    assert api_client.get(url, {"measure": measure.pk}).json()["count"] == 1
    assert api_client.get(url, {"to_status": "adopted"}).json()["count"] == 0
    assert api_client.get(url, {"changed_after": "2026-02-01"}).json()["count"] == 1
    assert api_client.get(url, {"measure": "abc"}).status_code == 400
