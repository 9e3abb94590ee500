"""The seed scenario, as a newcomer and an API client find it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from responses.models import Event, Measure, Position, Source

pytestmark = pytest.mark.django_db

STABLE_ACTOR_SLUGS = {
    "ukraine",
    "russia",
    "united-states",
    "united-nations",
    "european-union",
    "nato",
    "donald-trump",
    "vladimir-putin",
    "western-nations",
    "some-countries",
}


@pytest.fixture
def scenario() -> None:
    call_command("load_scenario", stdout=io.StringIO())


def test_it_loads_the_stable_slugs_clients_rely_on(scenario: None) -> None:
    assert set(Actor.objects.values_list("slug", flat=True)) >= STABLE_ACTOR_SLUGS
    assert set(Event.objects.values_list("slug", flat=True)) == {
        "trump-putin-call",
        "kyiv-drone-strike",
    }


def test_loading_twice_changes_nothing(scenario: None) -> None:
    def snapshot() -> dict[str, list]:
        return {
            "actors": list(Actor.objects.values().order_by("pk")),
            "events": list(Event.objects.values().order_by("pk")),
            "positions": list(Position.objects.values().order_by("pk")),
            "measures": list(Measure.objects.values().order_by("pk")),
            "sources": list(Source.objects.values().order_by("pk")),
        }

    before = snapshot()
    out = io.StringIO()
    call_command("load_scenario", stdout=out)
    assert snapshot() == before
    assert " 0 created, 0 updated" in out.getvalue()
    assert "created, 0 updated" in out.getvalue()


def test_the_eu_threatens_sanctions_on_russia_with_its_condition(
    scenario: None, api_client: APIClient
) -> None:
    response = api_client.get(
        reverse("api:measure-list"), {"actor": "european-union", "status": "threatened"}
    )
    assert response.status_code == 200
    [measure] = response.json()["results"]
    assert measure["kind"] == "sanctions"
    assert measure["target"]["slug"] == "russia"
    assert measure["condition"] == "if such hostile actions continue"
    assert measure["event"]["slug"] == "kyiv-drone-strike"
    assert measure["position"]["stance"] == "threaten"
    assert measure["sources"][0]["kind"] == "news_article"


def test_the_un_urges_a_ceasefire_and_calls_for_talks(
    scenario: None, api_client: APIClient
) -> None:
    response = api_client.get(reverse("api:position-list"), {"actor": "united-nations"})
    stances = {position["stance"] for position in response.json()["results"]}
    assert stances == {"urge_ceasefire", "call_for_talks"}


def test_every_position_cites_the_article(scenario: None) -> None:
    article = Source.objects.get()
    assert article.url == ""
    assert article.published_on is None
    assert Position.objects.count() == 10
    assert all(list(position.sources.all()) == [article] for position in Position.objects.all())


def test_nothing_is_invented(scenario: None) -> None:
    strike = Event.objects.get(slug="kyiv-drone-strike")
    assert strike.occurred_on is None
    assert strike.fatalities is None
    assert strike.injuries is None
    assert not Position.objects.exclude(stated_on=None).exists()
    assert not Position.objects.exclude(speaker=None).exists()
    assert "former U.S. President" in Actor.objects.get(slug="donald-trump").description


def test_the_strike_follows_the_call(scenario: None, api_client: APIClient) -> None:
    strike = api_client.get(reverse("api:event-detail", kwargs={"slug": "kyiv-drone-strike"}))
    assert strike.json()["related_events"] == [
        {"relation": "follows", "event": strike.json()["related_events"][0]["event"]}
    ]
    assert strike.json()["related_events"][0]["event"]["slug"] == "trump-putin-call"
    assert strike.json()["initiator"]["slug"] == "russia"
    assert strike.json()["target"]["slug"] == "ukraine"
    assert set(strike.json()["impacts"]) == {
        "casualties",
        "power_outage",
        "fire",
        "structural_damage",
    }
    call = api_client.get(reverse("api:event-detail", kwargs={"slug": "trump-putin-call"}))
    assert {actor["slug"] for actor in call.json()["participants"]} == {
        "donald-trump",
        "vladimir-putin",
    }


def test_who_said_what_about_the_strike(scenario: None, api_client: APIClient) -> None:
    response = api_client.get(reverse("api:event-responses", kwargs={"slug": "kyiv-drone-strike"}))
    assert response.status_code == 200
    by_actor = {group["actor"]["slug"]: group for group in response.json()["responses"]}
    assert set(by_actor) == STABLE_ACTOR_SLUGS - {"nato", "donald-trump", "vladimir-putin"}
    assert [m["kind"] for m in by_actor["european-union"]["measures"]] == ["sanctions"]
    assert {p["stance"] for p in by_actor["united-states"]["positions"]} == {
        "criticize",
        "demand_accountability",
    }


def test_a_broken_scenario_file_writes_nothing(tmp_path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "actors:\n"
        "  - {slug: fine, name: Fine, kind: state}\n"
        "  - {slug: broken, name: Broken, kind: not-a-kind}\n"
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="broken"):
        call_command("load_scenario", str(path), stdout=io.StringIO())
    assert not Actor.objects.exists()
