"""The response matrix of an event: actors × stances, as JSON and as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework import serializers
from rest_framework.test import APIClient

from actors.choices import ActorKind
from responses.api.analysis import EventMatrixSerializer
from responses.choices import Stance
from tests.factories import make_actor, make_event, make_position
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db

STANCES = [stance.value for stance in Stance]


def matrix_url(slug: str) -> str:
    return reverse("api:event-matrix", kwargs={"slug": slug})


def zeros(**counts: int) -> dict[str, int]:
    return {stance: counts.get(stance, 0) for stance in STANCES}


@pytest.fixture
def scenario() -> None:
    call_command("load_scenario", stdout=io.StringIO())


def test_the_kyiv_strike_matrix_lists_each_actor_by_name_under_every_stance(
    scenario: None, api_client: APIClient
) -> None:
    response = api_client.get(matrix_url("kyiv-drone-strike"))

    assert response.status_code == 200
    matrix = response.json()
    assert matrix["event"]["slug"] == "kyiv-drone-strike"
    # The event's brief, as the event's own detail shows each of its fields.
    event = api_client.get("/api/v1/events/kyiv-drone-strike/").json()
    assert set(matrix["event"]) == {
        "url",
        "slug",
        "title",
        "kind",
        "occurred_on",
        "occurred_on_precision",
    }
    assert matrix["event"] == {name: event[name] for name in matrix["event"]}
    assert [column["stance"] for column in matrix["columns"]] == STANCES
    assert [row["actor"]["name"] for row in matrix["rows"]] == [
        "European Union",
        "Russia",
        "Some countries",
        "Ukraine",
        "United Nations",
        "United States",
        "Western nations",
    ]
    ukraine = next(row for row in matrix["rows"] if row["actor"]["slug"] == "ukraine")
    assert list(ukraine["cells"]) == STANCES
    assert ukraine["counts"] == zeros(condemn=1, appeal_for_support=1)
    assert ukraine["total"] == 2
    [condemnation] = ukraine["cells"]["condemn"]
    assert set(condemnation) == {"url", "id", "stance", "summary"}
    assert condemnation["stance"] == "condemn"
    assert "blatant violation of sovereignty" in condemnation["summary"]
    assert ukraine["cells"]["justify"] == []


def test_the_kyiv_strike_matrix_totals_stances_and_kinds_of_actor(
    scenario: None, api_client: APIClient
) -> None:
    matrix = api_client.get(matrix_url("kyiv-drone-strike")).json()

    assert matrix["totals"] == {
        "counts": zeros(
            condemn=2,
            criticize=1,
            demand_accountability=1,
            urge_ceasefire=1,
            call_for_talks=1,
            call_for_restraint=1,
            appeal_for_support=1,
            justify=1,
            threaten=1,
        ),
        "total": 10,
    }
    assert matrix["by_actor_kind"] == [
        {
            "kind": "state",
            "counts": zeros(
                condemn=1,
                criticize=1,
                demand_accountability=1,
                appeal_for_support=1,
                justify=1,
            ),
            "total": 5,
        },
        {
            "kind": "international_organization",
            "counts": zeros(urge_ceasefire=1, call_for_talks=1),
            "total": 2,
        },
        {"kind": "supranational_union", "counts": zeros(threaten=1), "total": 1},
        {"kind": "informal_group", "counts": zeros(condemn=1, call_for_restraint=1), "total": 2},
    ]


def test_an_event_nobody_responded_to_still_has_every_column(api_client: APIClient) -> None:
    event = make_event(slug="quiet-day")

    matrix = api_client.get(matrix_url(event.slug)).json()

    assert [column["stance"] for column in matrix["columns"]] == STANCES
    assert matrix["rows"] == []
    assert matrix["totals"] == {"counts": zeros(), "total": 0}
    assert matrix["by_actor_kind"] == []


def test_positions_on_other_events_stay_out_of_the_matrix(api_client: APIClient) -> None:
    event = make_event()
    make_position(event=event, stance=Stance.CONDEMN)
    make_position(stance=Stance.JUSTIFY)

    matrix = api_client.get(matrix_url(event.slug)).json()

    assert matrix["totals"]["total"] == 1
    assert matrix["totals"]["counts"]["justify"] == 0


def test_an_unknown_event_is_a_404_in_the_standard_error_shape(api_client: APIClient) -> None:
    response = api_client.get(matrix_url("no-such-event"))

    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }


def test_the_matrix_costs_the_same_queries_however_many_positions(
    api_client: APIClient, django_assert_max_num_queries: Any
) -> None:
    event = make_event()
    make_position(event=event)

    # The event, then its positions with their actors.
    with django_assert_max_num_queries(2):
        assert api_client.get(matrix_url(event.slug)).status_code == 200

    for number in range(12):
        actor = make_actor(kind=ActorKind.INTERNATIONAL_ORGANIZATION)
        make_position(actor=actor, event=event, stance=STANCES[number % len(STANCES)])
        make_position(actor=actor, event=event, stance=Stance.OTHER)

    with django_assert_max_num_queries(2):
        response = api_client.get(matrix_url(event.slug))
    assert response.json()["totals"]["total"] == 25


def test_each_event_answers_its_own_matrix_as_json_and_csv(api_client: APIClient) -> None:
    first, second = make_event(), make_event()
    make_position(event=first)
    spoken = make_position(event=second, actor=make_actor(name="Second speaker"))
    assert api_client.get(matrix_url(first.slug)).status_code == 200

    matrix = api_client.get(matrix_url(second.slug)).json()
    as_csv = api_client.get(matrix_url(second.slug), {"format": "csv"})

    assert matrix["event"]["slug"] == second.slug
    [row] = matrix["rows"]
    assert row["actor"]["name"] == "Second speaker"
    assert [cell["id"] for cell in row["cells"][spoken.stance]] == [spoken.pk]
    assert csv_rows(as_csv.content)[1][:2] == [spoken.actor.slug, "Second speaker"]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.parametrize(
    "request_kwargs",
    [{"data": {"format": "csv"}}, {"HTTP_ACCEPT": "text/csv"}],
    ids=["format-parameter", "accept-header"],
)
def test_the_matrix_downloads_as_csv_one_line_per_actor(
    scenario: None, api_client: APIClient, request_kwargs: dict[str, Any]
) -> None:
    response = api_client.get(matrix_url("kyiv-drone-strike"), **request_kwargs)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kyiv-drone-strike-matrix.csv"'
    assert response.content.endswith(b"\r\n")
    header, *rows = csv_rows(response.content)
    assert header == ["actor_slug", "actor_name", "actor_kind", *STANCES, "total"]
    assert [row[0] for row in rows] == [
        "european-union",
        "russia",
        "some-countries",
        "ukraine",
        "united-nations",
        "united-states",
        "western-nations",
    ]
    ukraine = dict(zip(header, rows[3], strict=True))
    assert ukraine["actor_name"] == "Ukraine"
    assert ukraine["actor_kind"] == "state"
    assert ukraine["condemn"] == "1"
    assert ukraine["appeal_for_support"] == "1"
    assert ukraine["justify"] == "0"
    assert ukraine["total"] == "2"


def test_the_csv_keeps_names_from_running_as_spreadsheet_formulas(api_client: APIClient) -> None:
    event = make_event()
    make_position(event=event, actor=make_actor(slug="prankster", name='=HYPERLINK("x")'))

    response = api_client.get(matrix_url(event.slug), {"format": "csv"})

    [_, row] = csv_rows(response.content)
    assert row[1] == '\'=HYPERLINK("x")'


def test_the_csv_keeps_names_in_any_script(api_client: APIClient) -> None:
    event = make_event()
    make_position(event=event, actor=make_actor(slug="ukraine", name="Україна"))

    response = api_client.get(matrix_url(event.slug), {"format": "csv"})

    [_, row] = csv_rows(response.content)
    assert row[1] == "Україна"


def test_an_unknown_event_asked_for_as_csv_is_still_a_json_error(api_client: APIClient) -> None:
    response = api_client.get(matrix_url("no-such-event"), HTTP_ACCEPT="text/csv")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


def test_the_matrix_still_shows_in_the_browsable_api(api_client: APIClient) -> None:
    event = make_event()
    make_position(event=event)

    response = api_client.get(matrix_url(event.slug), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"by_actor_kind" in response.content


def test_the_schema_documents_the_matrix_as_json_and_as_csv(api_client: APIClient) -> None:
    schema = committed_schema()

    operation = schema["paths"]["/api/v1/events/{slug}/matrix/"]["get"]
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/EventMatrix"}
    assert content["text/csv"]["schema"]["type"] == "string"
    # Its 404 is the shared answer given in JSON only, not the one offered as CSV too.
    assert operation["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert set(schema["components"]["responses"]["NotFound"]["content"]) == {"application/json"}
    counts = schema["components"]["schemas"]["StanceCounts"]
    assert list(counts["properties"]) == STANCES


def test_the_matrix_is_the_json_drfs_serializers_give(
    scenario: None, api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The matrix's explicit to_representation answers what its declared fields do.
    make_position(event=make_event(slug="busy"), actor=make_actor(), stance="condemn")
    for slug in ("kyiv-drone-strike", "busy"):
        fast = api_client.get(matrix_url(slug)).json()
        with monkeypatch.context() as patched:
            patched.setattr(
                EventMatrixSerializer, "to_representation", serializers.Serializer.to_representation
            )
            assert api_client.get(matrix_url(slug)).json() == fast
        assert any(row["cells"]["condemn"] for row in fast["rows"])
