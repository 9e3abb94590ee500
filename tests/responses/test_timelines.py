"""Timelines of an actor and of a conflict: what is on them, in which order, by page."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from responses.choices import MeasureStatus, Stance
from responses.lifecycle import transition_measure
from responses.models import Conflict, Event, Measure, MeasureStatusChange, Position
from tests.factories import (
    make_actor,
    make_conflict,
    make_event,
    make_measure,
    make_position,
    make_source,
)
from tests.openapi import committed_schema
from tracker.choices import DatePrecision

pytestmark = pytest.mark.django_db

JAN_1 = datetime.date(2024, 1, 1)
FEB_1 = datetime.date(2024, 2, 1)
MAR_1 = datetime.date(2024, 3, 1)


def actor_timeline_url(slug: str) -> str:
    return reverse("api:actor-timeline", kwargs={"slug": slug})


def conflict_timeline_url(slug: str) -> str:
    return reverse("api:conflict-timeline", kwargs={"slug": slug})


def keys(results: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(item["type"], item["id"]) for item in results]


def key(record: Model) -> tuple[str, int]:
    types: dict[type[Model], str] = {
        Event: "event",
        Position: "position",
        Measure: "measure",
        MeasureStatusChange: "status_change",
    }
    return types[type(record)], record.pk


@pytest.fixture
def scenario() -> None:
    call_command("load_scenario", stdout=io.StringIO())


# The seed scenario: nothing in the article is dated.


def test_the_eus_timeline_lists_its_position_and_measure_undated(
    scenario: None, api_client: APIClient
) -> None:
    response = api_client.get(actor_timeline_url("european-union"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    assert body["previous"] is None
    position, measure = body["results"]
    position_id = Position.objects.get(actor__slug="european-union").pk
    measure_id = Measure.objects.get(actor__slug="european-union").pk
    assert position == {
        "type": "position",
        "id": position_id,
        "date": None,
        "date_precision": "",
        "undated": True,
        "title": (
            "European Union: threaten — Threatens to impose additional sanctions on Russia "
            "if such hostile actions continue."
        ),
        "url": f"http://testserver/api/v1/positions/{position_id}/",
        "actor": {
            "url": "http://testserver/api/v1/actors/european-union/",
            "slug": "european-union",
            "name": "European Union",
            "short_name": "EU",
            "kind": "supranational_union",
        },
    }
    assert measure["type"] == "measure"
    assert measure["id"] == measure_id
    assert measure["title"] == "European Union: sanctions on Russia (threatened)"
    assert measure["url"] == f"http://testserver/api/v1/measures/{measure_id}/"
    assert (measure["date"], measure["date_precision"], measure["undated"]) == (None, "", True)
    assert measure["actor"]["slug"] == "european-union"


def test_the_russia_ukraine_timeline_holds_both_events_every_position_and_the_measure(
    scenario: None, api_client: APIClient
) -> None:
    response = api_client.get(conflict_timeline_url("russia-ukraine"))

    assert response.status_code == 200
    body = response.json()
    results = body["results"]
    assert body["count"] == len(results) == 13
    assert Counter(item["type"] for item in results) == {"event": 2, "position": 10, "measure": 1}
    # All undated, so in type order, then by id.
    assert [item["type"] for item in results] == ["event"] * 2 + ["position"] * 10 + ["measure"]
    assert all(item["undated"] for item in results)
    events = {item["url"]: item for item in results if item["type"] == "event"}
    assert set(events) == {
        "http://testserver/api/v1/events/trump-putin-call/",
        "http://testserver/api/v1/events/kyiv-drone-strike/",
    }
    strike = events["http://testserver/api/v1/events/kyiv-drone-strike/"]
    assert strike["title"] == "Russian drone strike on Kyiv"
    assert strike["actor"]["slug"] == "russia"
    call = events["http://testserver/api/v1/events/trump-putin-call/"]
    assert call["actor"] is None
    assert {item["id"] for item in results if item["type"] == "position"} == set(
        Position.objects.values_list("pk", flat=True)
    )


# Synthetic timelines with dates.


@pytest.fixture
def alpha() -> Actor:
    return make_actor(slug="alpha", name="Alpha")


@pytest.fixture
def beta() -> Actor:
    return make_actor(slug="beta", name="Beta")


@pytest.fixture
def alpha_records(alpha: Actor, beta: Actor) -> dict[str, Model]:
    """Alpha's records, dated and undated, made in an order unlike the timeline's."""
    source = make_source()
    undated_event = make_event()
    undated_event.participants.add(alpha)
    records: dict[str, Model] = {
        "undated event": undated_event,
        "undated position": make_position(actor=alpha, target=beta),
        "measure": make_measure(actor=alpha, target=beta, announced_on=FEB_1),
        "march event": make_event(
            target=alpha, occurred_on=MAR_1, occurred_on_precision=DatePrecision.DAY
        ),
        "january event": make_event(
            initiator=alpha, occurred_on=JAN_1, occurred_on_precision=DatePrecision.MONTH
        ),
        "undated measure": make_measure(actor=beta, target=alpha),
    }
    records["alpha's march position"] = make_position(
        actor=alpha,
        event=records["march event"],
        stance=Stance.CONDEMN,
        summary="Condemns the strike.",
        stated_on=MAR_1,
        stated_on_precision=DatePrecision.DAY,
    )
    records["beta's march position"] = make_position(
        actor=beta,
        target=alpha,
        stance=Stance.JUSTIFY,
        summary="Justifies   the\nstrike.",
        stated_on=MAR_1,
        stated_on_precision=DatePrecision.DAY,
    )
    measure = records["measure"]
    assert isinstance(measure, Measure)
    records["march change"] = transition_measure(
        measure, to=MeasureStatus.PROPOSED, source=source, on=MAR_1
    )
    records["undated change"] = transition_measure(measure, to=MeasureStatus.ADOPTED, source=source)
    # Nothing of these concerns Alpha.
    gamma = make_actor()
    make_position(actor=beta, target=gamma, stated_on=FEB_1, stated_on_precision="day")
    make_event(initiator=beta, target=gamma, occurred_on=FEB_1, occurred_on_precision="day")
    other = make_measure(actor=beta, target=gamma, announced_on=FEB_1)
    transition_measure(other, to=MeasureStatus.PROPOSED, source=source, on=MAR_1)
    return records


ALPHA_ORDER = [
    # Dated, oldest first; on one date: event, position, measure, status change, then id.
    "january event",
    "measure",
    "march event",
    "alpha's march position",
    "beta's march position",
    "march change",
    # Undated, last, in the same type order.
    "undated event",
    "undated position",
    "undated measure",
    "undated change",
]


def test_an_actors_timeline_is_in_date_order_with_undated_items_last(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    response = api_client.get(actor_timeline_url("alpha"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert keys(results) == [key(alpha_records[name]) for name in ALPHA_ORDER]
    assert [item["undated"] for item in results] == [False] * 6 + [True] * 4
    assert [(item["date"], item["date_precision"]) for item in results] == [
        ("2024-01-01", "month"),
        ("2024-02-01", "day"),
        ("2024-03-01", "day"),
        ("2024-03-01", "day"),
        ("2024-03-01", "day"),
        ("2024-03-01", "day"),
        *[(None, "")] * 4,
    ]


def test_each_item_has_a_readable_title_its_address_and_its_actor(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    results = api_client.get(actor_timeline_url("alpha")).json()["results"]
    by_key = {(item["type"], item["id"]): item for item in results}

    def item(name: str) -> dict[str, Any]:
        return by_key[key(alpha_records[name])]

    january = alpha_records["january event"]
    assert isinstance(january, Event)
    assert item("january event")["title"] == january.title
    assert item("january event")["url"] == f"http://testserver/api/v1/events/{january.slug}/"
    assert item("january event")["actor"]["slug"] == "alpha"
    assert item("undated event")["actor"] is None
    assert item("beta's march position")["title"] == "Beta: justify — Justifies the strike."
    assert item("beta's march position")["actor"]["slug"] == "beta"
    # The measure has moved on since: its label shows where it stands now.
    assert item("measure")["title"] == "Alpha: sanctions on Beta (adopted)"
    assert item("undated measure")["actor"]["slug"] == "beta"
    change = item("march change")
    assert change["title"] == "threatened → proposed"
    assert change["url"] == f"http://testserver/api/v1/status-changes/{change['id']}/"
    assert change["actor"]["slug"] == "alpha"
    assert item("undated change")["title"] == "proposed → adopted"


def test_a_long_summary_is_shortened_to_one_line(alpha: Actor, api_client: APIClient) -> None:
    make_position(actor=alpha, stance=Stance.OTHER, summary="word " * 100)

    [item] = api_client.get(actor_timeline_url("alpha")).json()["results"]

    assert item["title"].startswith("Alpha: other — word word")
    assert item["title"].endswith("…")
    assert len(item["title"]) < 160


def test_an_event_is_listed_once_however_many_take_part(
    alpha: Actor, beta: Actor, api_client: APIClient
) -> None:
    event = make_event(initiator=alpha)
    event.participants.add(alpha, beta, make_actor())

    body = api_client.get(actor_timeline_url("alpha")).json()

    assert body["count"] == 1
    assert keys(body["results"]) == [("event", event.pk)]


def test_records_in_several_roles_come_once_in_date_order(
    alpha: Actor, beta: Actor, api_client: APIClient
) -> None:
    def day(number: int) -> dict[str, Any]:
        return {"stated_on": datetime.date(2025, 1, number), "stated_on_precision": "day"}

    aimed_at = make_position(actor=beta, target=alpha, **day(2))
    took = make_position(actor=alpha, target=beta, **day(3))
    earliest = make_position(actor=alpha, event=make_event(initiator=beta), **day(1))
    targeted = make_event(
        initiator=beta,
        target=alpha,
        occurred_on=datetime.date(2025, 1, 4),
        occurred_on_precision="day",
    )
    targeted.participants.add(alpha, beta)
    undated = make_position(actor=beta, target=alpha, stated_on=None, stated_on_precision="")

    body = api_client.get(actor_timeline_url("alpha"), {"type": ["position", "event"]}).json()

    assert keys(body["results"]) == [
        key(earliest),
        key(aimed_at),
        key(took),
        key(targeted),
        key(undated),
    ]
    assert body["count"] == 5


def test_a_conflicts_timeline_holds_its_events_and_what_they_prompted(
    api_client: APIClient,
) -> None:
    conflict = make_conflict(slug="war")
    source = make_source()
    strike = make_event(conflict=conflict, occurred_on=FEB_1, occurred_on_precision="day")
    talks = make_event(conflict=conflict)
    condemnation = make_position(event=strike, stated_on=FEB_1, stated_on_precision="day")
    appeal = make_position(event=talks)
    sanctions = make_measure(event=strike, announced_on=MAR_1)
    adoption = transition_measure(sanctions, to=MeasureStatus.ADOPTED, source=source, on=MAR_1)
    # Another conflict's records, and a position about no event, stay out.
    elsewhere = make_event(conflict=make_conflict(), occurred_on=JAN_1, occurred_on_precision="day")
    make_position(event=elsewhere)
    transition_measure(make_measure(event=elsewhere), to=MeasureStatus.PROPOSED, source=source)
    make_position(target=make_actor())

    response = api_client.get(conflict_timeline_url("war"))

    assert response.status_code == 200
    assert keys(response.json()["results"]) == [
        key(strike),
        key(condemnation),
        key(sanctions),
        key(adoption),
        key(talks),
        key(appeal),
    ]


# Paging.


def test_a_timeline_is_paged_with_limit_and_offset(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    expected = [key(alpha_records[name]) for name in ALPHA_ORDER]

    first = api_client.get(actor_timeline_url("alpha"), {"limit": 4}).json()
    assert first["count"] == 10
    assert keys(first["results"]) == expected[:4]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/actors/alpha/timeline/?limit=4&offset=4"

    second = api_client.get(first["next"]).json()
    assert keys(second["results"]) == expected[4:8]

    last = api_client.get(second["next"]).json()
    assert keys(last["results"]) == expected[8:]
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/actors/alpha/timeline/?limit=4&offset=4"


@pytest.mark.parametrize("offset", ["10001", "9223372036854775807"])
def test_an_offset_too_far_back_is_refused_naming_it(
    alpha_records: dict[str, Model], api_client: APIClient, offset: str
) -> None:
    response = api_client.get(actor_timeline_url("alpha"), {"offset": offset})

    assert response.status_code == 400
    assert "offset" in str(response.json())
    assert "before or after" in str(response.json())


def test_paging_keeps_the_filters_in_the_next_link(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    body = api_client.get(
        actor_timeline_url("alpha"), {"type": "position", "after": "2024-01-01", "limit": "1"}
    ).json()

    assert body["count"] == 2
    assert "type=position" in body["next"]
    assert "after=2024-01-01" in body["next"]
    assert keys(api_client.get(body["next"]).json()["results"]) == [
        key(alpha_records["beta's march position"])
    ]


def test_a_timeline_pages_by_offset_even_when_a_sync_cursor_is_asked_for(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    # Sync cursors page by updated_at; a timeline has its own order.
    body = api_client.get(actor_timeline_url("alpha"), {"cursor": "", "limit": "4"}).json()

    assert body["count"] == 10
    assert keys(body["results"]) == [key(alpha_records[name]) for name in ALPHA_ORDER[:4]]


@pytest.mark.parametrize(("parameter", "value"), [("limit", "0"), ("offset", "-1")])
def test_a_bad_page_is_refused_naming_the_parameter(
    alpha: Actor, api_client: APIClient, parameter: str, value: str
) -> None:
    response = api_client.get(actor_timeline_url("alpha"), {parameter: value})

    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [parameter]


# Filters.


def test_the_type_filter_keeps_the_types_asked_for(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    response = api_client.get(actor_timeline_url("alpha"), {"type": ["status_change", "measure"]})

    assert response.status_code == 200
    assert keys(response.json()["results"]) == [
        key(alpha_records[name])
        for name in ("measure", "march change", "undated measure", "undated change")
    ]


def test_a_single_type_needs_no_union(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    body = api_client.get(actor_timeline_url("alpha"), {"type": "event"}).json()

    assert keys(body["results"]) == [
        key(alpha_records[name]) for name in ("january event", "march event", "undated event")
    ]


def test_date_bounds_are_inclusive_and_leave_undated_items_out(
    alpha_records: dict[str, Model], api_client: APIClient
) -> None:
    between = api_client.get(
        actor_timeline_url("alpha"), {"after": "2024-02-01", "before": "2024-03-01"}
    ).json()
    assert keys(between["results"]) == [
        key(alpha_records[name])
        for name in (
            "measure",
            "march event",
            "alpha's march position",
            "beta's march position",
            "march change",
        )
    ]

    before = api_client.get(actor_timeline_url("alpha"), {"before": "2024-02-29"}).json()
    assert keys(before["results"]) == [
        key(alpha_records["january event"]),
        key(alpha_records["measure"]),
    ]


def test_the_filters_apply_to_a_conflicts_timeline_too(api_client: APIClient) -> None:
    conflict = make_conflict(slug="war")
    make_event(conflict=conflict, occurred_on=JAN_1, occurred_on_precision="year")
    later = make_event(conflict=conflict, occurred_on=MAR_1, occurred_on_precision="day")
    make_position(event=later, stated_on=MAR_1, stated_on_precision="day")

    body = api_client.get(
        conflict_timeline_url("war"), {"type": "event", "after": "2024-02-01"}
    ).json()

    assert keys(body["results"]) == [key(later)]


@pytest.mark.parametrize(
    ("query", "attr", "code"),
    [
        ({"type": "tweet"}, "type", "invalid_choice"),
        ({"type": ["event", ""]}, "type", "invalid_choice"),
        ({"after": "yesterday"}, "after", "invalid"),
        ({"before": "2024-13-01"}, "before", "invalid"),
        ({"after": "2024-03-01", "before": "2024-02-01"}, "before", "invalid"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_parameter(
    alpha: Actor, api_client: APIClient, query: dict[str, Any], attr: str, code: str
) -> None:
    response = api_client.get(actor_timeline_url("alpha"), query)

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert [(error["attr"], error["code"]) for error in body["errors"]] == [(attr, code)]


# Unknown slugs.


@pytest.mark.parametrize("url_name", ["api:actor-timeline", "api:conflict-timeline"])
def test_an_unknown_slug_is_a_404_in_the_api_error_shape(
    api_client: APIClient, url_name: str
) -> None:
    response = api_client.get(reverse(url_name, kwargs={"slug": "atlantis"}))

    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
    }


# Query counts.


def add_records(actor: Actor, conflict: Conflict, copies: int) -> None:
    """Dated and undated records of every type, for both the actor and the conflict."""
    source = make_source()
    for number in range(copies):
        date = JAN_1 + datetime.timedelta(days=number) if number % 2 else None
        precision = DatePrecision.DAY if date else ""
        event = make_event(
            conflict=conflict, initiator=actor, occurred_on=date, occurred_on_precision=precision
        )
        make_position(actor=actor, event=event, stated_on=date, stated_on_precision=precision)
        measure = make_measure(actor=actor, event=event, announced_on=date)
        transition_measure(measure, to=MeasureStatus.PROPOSED, source=source, on=date)


@pytest.mark.parametrize("copies", [1, 15])
@pytest.mark.parametrize("timeline", ["actor", "conflict"])
def test_a_page_costs_the_same_queries_however_much_there_is(
    api_client: APIClient,
    django_assert_max_num_queries: Any,
    copies: int,
    timeline: str,
) -> None:
    actor = make_actor(slug="busy")
    conflict = make_conflict(slug="long-war")
    add_records(actor, conflict, copies)
    url = actor_timeline_url("busy") if timeline == "actor" else conflict_timeline_url("long-war")

    # 1 the actor or conflict; for each part (each kind in each role: 9 for an
    # actor, 4 for a conflict) its dated rows and its undated rows; for each
    # of the 4 kinds its count (and PostgreSQL's estimate first); the page's
    # events, positions, measures and status changes (4).
    parts = 9 if timeline == "actor" else 4
    with django_assert_max_num_queries(1 + 2 * parts + 2 * 4 + 4):
        response = api_client.get(url, {"limit": 500})

    assert response.status_code == 200
    assert response.json()["count"] == len(response.json()["results"]) == 4 * copies


# Schema.


def test_the_schema_documents_both_timelines() -> None:
    schema = committed_schema()

    for path, operation_id in [
        ("/api/v1/actors/{slug}/timeline/", "actors_timeline_list"),
        ("/api/v1/conflicts/{slug}/timeline/", "conflicts_timeline_list"),
    ]:
        operation = schema["paths"][path]["get"]
        assert operation["operationId"] == operation_id
        parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
        assert set(parameters) == {"slug", "type", "after", "before", "limit", "offset"}
        assert parameters["type"]["schema"]["type"] == "array"
        assert parameters["type"]["schema"]["items"]["enum"] == [
            "event",
            "position",
            "measure",
            "status_change",
        ]
        assert parameters["after"]["schema"]["format"] == "date"
        assert parameters["before"]["schema"]["format"] == "date"
        assert {"200", "400", "404"} <= set(operation["responses"])
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": "#/components/schemas/PaginatedTimelineItemList"}
    item = schema["components"]["schemas"]["TimelineItem"]
    assert set(item["properties"]) == {
        "type",
        "id",
        "date",
        "date_precision",
        "undated",
        "title",
        "url",
        "actor",
    }
