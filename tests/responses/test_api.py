"""Resource-specific rules of the responses API: validation, nesting, protection."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from responses.models import Event, Position, Source
from tests.factories import (
    make_actor,
    make_event,
    make_measure,
    make_position,
    make_source,
)

pytestmark = pytest.mark.django_db


def errors_by_attr(response: Any) -> dict[str | None, str]:
    return {error["attr"]: error["detail"] for error in response.json()["errors"]}


def position_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "actor": make_actor().slug,
        "event": make_event().slug,
        "stance": "condemn",
        "summary": "Condemns the strike.",
        "sources": [make_source().pk],
    }
    body.update(overrides)
    return body


class TestPositions:
    url = reverse("api:position-list")

    def test_it_reads_nested_briefs_and_writes_slugs(self, curator_client: APIClient) -> None:
        eu = make_actor(slug="european-union", name="European Union", short_name="EU")
        body = position_body(actor="european-union", stance="threaten", cameo_code="1312")
        response = curator_client.post(self.url, body, format="json")
        assert response.status_code == 201, response.json()
        assert response.data["actor"] == {
            "url": f"http://testserver/api/v1/actors/{eu.slug}/",
            "slug": "european-union",
            "name": "European Union",
            "short_name": "EU",
            "kind": "state",
        }

    def test_a_cameo_code_that_contradicts_the_stance_is_refused(
        self, curator_client: APIClient
    ) -> None:
        response = curator_client.post(
            self.url, position_body(stance="condemn", cameo_code="051"), format="json"
        )
        assert response.status_code == 400
        assert "contradicts" in errors_by_attr(response)["cameo_code"]
        assert not Position.objects.exists()

    @pytest.mark.parametrize("code", ["1", "12345", "abc", "1 2"])
    def test_a_malformed_cameo_code_is_refused(self, curator_client: APIClient, code: str) -> None:
        response = curator_client.post(self.url, position_body(cameo_code=code), format="json")
        assert response.status_code == 400
        assert "cameo_code" in errors_by_attr(response)

    def test_a_position_is_about_an_event_or_a_target(self, curator_client: APIClient) -> None:
        response = curator_client.post(self.url, position_body(event=None), format="json")
        assert response.status_code == 400
        assert "event" in errors_by_attr(response)

    def test_a_position_cites_at_least_one_source(self, curator_client: APIClient) -> None:
        response = curator_client.post(self.url, position_body(sources=[]), format="json")
        assert response.status_code == 400
        assert "sources" in errors_by_attr(response)

    def test_an_unknown_actor_slug_is_named(self, curator_client: APIClient) -> None:
        response = curator_client.post(self.url, position_body(actor="atlantis"), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response)["actor"] == "There is no actor with slug atlantis."

    def test_an_actor_given_as_a_number_is_refused(self, curator_client: APIClient) -> None:
        response = curator_client.post(self.url, position_body(actor=3), format="json")
        assert response.status_code == 400
        assert "actor" in errors_by_attr(response)

    def test_a_speaker_is_a_person(self, curator_client: APIClient) -> None:
        state = make_actor(kind=ActorKind.STATE)
        response = curator_client.post(self.url, position_body(speaker=state.slug), format="json")
        assert response.status_code == 400
        assert "speaker" in errors_by_attr(response)

    def test_dates_agree_with_their_precision(self, curator_client: APIClient) -> None:
        response = curator_client.post(
            self.url,
            position_body(stated_on="2026-05-14", stated_on_precision="month"),
            format="json",
        )
        assert response.status_code == 400
        assert "stated_on" in errors_by_attr(response)
        response = curator_client.post(
            self.url, position_body(stated_on="2026-05-01"), format="json"
        )
        assert response.status_code == 400
        assert "stated_on_precision" in errors_by_attr(response)

    def test_an_impossible_date_is_refused(self, curator_client: APIClient) -> None:
        response = curator_client.post(
            self.url,
            position_body(stated_on="2026-02-30", stated_on_precision="day"),
            format="json",
        )
        assert response.status_code == 400
        assert "stated_on" in errors_by_attr(response)

    def test_a_patch_keeps_the_rules(self, curator_client: APIClient) -> None:
        position = make_position(stance="condemn")
        response = curator_client.patch(
            reverse("api:position-detail", kwargs={"pk": position.pk}),
            {"cameo_code": "0256"},
            format="json",
        )
        assert response.status_code == 400
        position.refresh_from_db()
        assert position.cameo_code == ""


class TestMeasures:
    url = reverse("api:measure-list")

    def body(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "actor": make_actor().slug,
            "target": make_actor().slug,
            "kind": "financial_aid",
            "sources": [make_source().pk],
        }
        body.update(overrides)
        return body

    def test_a_currency_needs_an_amount(self, curator_client: APIClient) -> None:
        response = curator_client.post(self.url, self.body(currency="EUR"), format="json")
        assert response.status_code == 400
        assert "currency" in errors_by_attr(response)

    def test_an_amount_with_its_currency_is_kept(self, curator_client: APIClient) -> None:
        response = curator_client.post(
            self.url, self.body(amount="1500000.00", currency="EUR"), format="json"
        )
        assert response.status_code == 201, response.json()
        assert (response.data["amount"], response.data["currency"]) == ("1500000.00", "EUR")

    def test_a_measure_cannot_end_before_it_takes_effect(self, curator_client: APIClient) -> None:
        response = curator_client.post(
            self.url,
            self.body(status="lifted", effective_on="2026-05-01", ended_on="2026-04-01"),
            format="json",
        )
        assert response.status_code == 400
        assert "ended_on" in errors_by_attr(response)

    def test_the_announcing_position_is_the_actors_own(self, curator_client: APIClient) -> None:
        other = make_position()
        response = curator_client.post(self.url, self.body(position=other.pk), format="json")
        assert response.status_code == 400
        assert "position" in errors_by_attr(response)

    def test_an_unknown_status_is_refused(self, curator_client: APIClient) -> None:
        response = curator_client.post(self.url, self.body(status="imagined"), format="json")
        assert response.status_code == 400
        assert "status" in errors_by_attr(response)


class TestEvents:
    url = reverse("api:event-list")

    def test_related_events_are_written_by_slug(self, curator_client: APIClient) -> None:
        call = make_event(slug="trump-putin-call")
        body = {
            "slug": "kyiv-drone-strike",
            "title": "Drone strike on Kyiv",
            "kind": "drone_strike",
            "impacts": ["fire", "power_outage"],
            "related_events": [{"relation": "follows", "event": call.slug}],
            "sources": [make_source().pk],
        }
        response = curator_client.post(self.url, body, format="json")
        assert response.status_code == 201, response.json()
        assert response.data["related_events"][0]["relation"] == "follows"
        assert response.data["related_events"][0]["event"]["slug"] == "trump-putin-call"
        strike = Event.objects.get(slug="kyiv-drone-strike")
        assert list(strike.related_events.all()) == [call]

    def test_related_events_are_replaced_on_update(self, curator_client: APIClient) -> None:
        first, second = make_event(), make_event()
        event = make_event()
        url = reverse("api:event-detail", kwargs={"slug": event.slug})
        curator_client.patch(
            url, {"related_events": [{"relation": "follows", "event": first.slug}]}, format="json"
        )
        response = curator_client.patch(
            url,
            {"related_events": [{"relation": "responds_to", "event": second.slug}]},
            format="json",
        )
        assert response.status_code == 200
        assert list(event.related_events.all()) == [second]

    def test_an_unknown_impact_is_refused(self, curator_client: APIClient) -> None:
        response = curator_client.post(
            self.url,
            {
                "slug": "x",
                "title": "X",
                "kind": "other",
                "impacts": ["earthquake"],
                "sources": [make_source().pk],
            },
            format="json",
        )
        assert response.status_code == 400
        assert "impacts" in errors_by_attr(response)

    def test_casualty_figures_cannot_be_negative(self, curator_client: APIClient) -> None:
        event = make_event()
        response = curator_client.patch(
            reverse("api:event-detail", kwargs={"slug": event.slug}),
            {"fatalities": -1},
            format="json",
        )
        assert response.status_code == 400
        assert "fatalities" in str(response.json())

    def test_a_duplicate_slug_is_a_400(self, curator_client: APIClient) -> None:
        make_event(slug="taken")
        response = curator_client.post(
            self.url,
            {"slug": "taken", "title": "T", "kind": "other", "sources": [make_source().pk]},
            format="json",
        )
        assert response.status_code == 400
        assert "slug" in errors_by_attr(response)

    def test_an_event_with_positions_cannot_be_deleted(self, curator_client: APIClient) -> None:
        event = make_event()
        make_position(event=event)
        response = curator_client.delete(reverse("api:event-detail", kwargs={"slug": event.slug}))
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "protected"
        assert Event.objects.filter(pk=event.pk).exists()


class TestSources:
    def test_a_cited_source_cannot_be_deleted(self, curator_client: APIClient) -> None:
        source = make_source()
        make_position(sources=[source])
        response = curator_client.delete(reverse("api:source-detail", kwargs={"pk": source.pk}))
        assert response.status_code == 409
        assert "cited by" in response.json()["errors"][0]["detail"]
        assert Source.objects.filter(pk=source.pk).exists()

    def test_the_document_address_is_its_link(self, curator_client: APIClient) -> None:
        response = curator_client.post(
            reverse("api:source-list"),
            {"kind": "resolution", "title": "Resolution", "link": "https://example.org/res"},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.data["link"] == "https://example.org/res"
        duplicate = curator_client.post(
            reverse("api:source-list"),
            {"kind": "resolution", "title": "Copy", "link": "https://example.org/res"},
            format="json",
        )
        assert duplicate.status_code == 400
        assert "already exists" in str(duplicate.json())

    def test_sources_without_an_address_do_not_clash(self, curator_client: APIClient) -> None:
        for title in ("One", "Two"):
            response = curator_client.post(
                reverse("api:source-list"), {"kind": "other", "title": title}, format="json"
            )
            assert response.status_code == 201


def test_the_responses_view_uses_a_fixed_number_of_queries(
    api_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    event = make_event()
    for _ in range(5):
        make_position(event=event)
        make_measure(event=event)
    # The event, positions, their sources, measures, their sources.
    with django_assert_max_num_queries(5):
        response = api_client.get(reverse("api:event-responses", kwargs={"slug": event.slug}))
    assert len(response.json()["responses"]) == 10
