"""A client generated from openapi.yaml works against a live server.

Service authors generate clients from our schema; openapi-python-client is a
common choice. Each call below goes over HTTP to a running server, and each
answer is parsed into the generated models, so a schema that misdescribes a
field, a parameter, a status or an error fails here first.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import attrs
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from pytest_django.live_server_helper import LiveServer

from responses.scenario import DEFAULT_SCENARIO, load_scenario

# The live server reads what the test wrote, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def unparsed_parts(value: Any, path: str = "") -> list[str]:
    """Where a generated model kept raw JSON instead of a model.

    When an answer does not match the schema, the generated code often keeps
    the plain dict rather than raising; a schema mistake then goes unnoticed
    until someone reads an attribute.
    """
    if isinstance(value, dict):
        return [path or "(top)"]
    if isinstance(value, list):
        return [
            part for i, item in enumerate(value) for part in unparsed_parts(item, f"{path}[{i}]")
        ]
    if attrs.has(type(value)):
        return [
            part
            for field in attrs.fields(type(value))
            if field.name != "additional_properties"
            for part in unparsed_parts(getattr(value, field.name), f"{path}.{field.name}")
        ]
    return []


@pytest.fixture
def seeded(db: None) -> None:
    load_scenario(DEFAULT_SCENARIO)


@pytest.fixture
def token(curator: User) -> str:
    out = io.StringIO()
    call_command("create_token", curator.username, "--name", "generated client", stdout=out)
    return out.getvalue().strip()


# Each client is closed after its test: a kept-alive connection would hold a
# server thread open until the live server stops, and fail there.


@pytest.fixture
def anonymous(tracker_client: ModuleType, live_server: LiveServer) -> Iterator[Any]:
    with tracker_client.Client(base_url=live_server.url, raise_on_unexpected_status=True) as client:
        yield client


@pytest.fixture
def alice(tracker_client: ModuleType, live_server: LiveServer, token: str) -> Iterator[Any]:
    with tracker_client.AuthenticatedClient(
        base_url=live_server.url, token=token, prefix="Token", raise_on_unexpected_status=True
    ) as client:
        yield client


def test_anyone_lists_positions_filtered_by_actor_and_stance(seeded: None, anonymous: Any) -> None:
    from tracker_client.api.positions import positions_list
    from tracker_client.models import PaginatedPositionList, PositionsListStanceItem

    page = positions_list.sync(
        client=anonymous, actor=["european-union"], stance=[PositionsListStanceItem.THREATEN]
    )

    assert isinstance(page, PaginatedPositionList)
    assert unparsed_parts(page) == []
    assert page.count == 1
    (threat,) = page.results
    assert threat.actor.slug == "european-union"
    assert threat.target.slug == "russia"
    assert threat.speaker is None  # the article names nobody
    assert threat.stated_on is None  # nor a date


def test_anyone_reads_an_event_with_its_nested_actors(seeded: None, anonymous: Any) -> None:
    from tracker_client.api.events import events_retrieve
    from tracker_client.models import Event

    strike = events_retrieve.sync("kyiv-drone-strike", client=anonymous)

    assert isinstance(strike, Event)
    assert unparsed_parts(strike) == []
    assert strike.initiator.slug == "russia"
    assert strike.target.name == "Ukraine"
    assert strike.conflict.slug == "russia-ukraine"
    assert [(r.relation, r.event.slug) for r in strike.related_events] == [
        ("follows", "trump-putin-call")
    ]
    assert strike.fatalities is None  # unknown, never 0

    call = events_retrieve.sync("trump-putin-call", client=anonymous)
    assert unparsed_parts(call) == []
    assert {actor.slug for actor in call.participants} == {"donald-trump", "vladimir-putin"}


def test_a_curator_with_a_token_records_a_source_a_position_and_a_transition(
    seeded: None, anonymous: Any, alice: Any
) -> None:
    from tracker_client.api.measures import (
        measures_list,
        measures_retrieve,
        measures_transitions_create,
    )
    from tracker_client.api.positions import positions_create
    from tracker_client.api.sources import sources_create
    from tracker_client.models import (
        MeasureStatusEnum,
        Position,
        PositionRequest,
        Source,
        SourceKindEnum,
        SourceRequest,
        StanceEnum,
        StatusChange,
        TransitionRequest,
    )

    source = sources_create.sync(
        client=alice,
        body=SourceRequest(
            kind=SourceKindEnum.OFFICIAL_STATEMENT,
            title="Council conclusions on Russia",
            publisher="Council of the EU",
            link="https://example.org/council-conclusions",
        ),
    )
    assert isinstance(source, Source)
    assert unparsed_parts(source) == []

    position = positions_create.sync(
        client=alice,
        body=PositionRequest(
            actor="european-union",
            event="kyiv-drone-strike",
            target="russia",
            stance=StanceEnum.CONDEMN,
            cameo_code="111",
            summary="Condemns the strike on Kyiv.",
            sources=[source.id],
        ),
    )
    assert isinstance(position, Position)
    assert unparsed_parts(position) == []
    assert position.actor.short_name == "EU"

    (measure,) = measures_list.sync(client=anonymous, actor=["european-union"]).results
    change = measures_transitions_create.sync(
        measure.id,
        client=alice,
        body=TransitionRequest(
            to=MeasureStatusEnum.ADOPTED,
            on=datetime.date(2026, 5, 1),
            source=source.id,
            note="Adopted by the Council.",
        ),
    )
    assert isinstance(change, StatusChange)
    assert unparsed_parts(change) == []
    assert (change.from_status, change.to_status) == ("threatened", "adopted")

    adopted = measures_retrieve.sync(measure.id, client=anonymous)
    assert unparsed_parts(adopted) == []
    assert adopted.status == MeasureStatusEnum.ADOPTED
    assert MeasureStatusEnum.IN_FORCE in adopted.allowed_transitions


def test_refusals_arrive_as_the_documented_errors(
    seeded: None,
    anonymous: Any,
    alice: Any,
    tracker_client: ModuleType,
    live_server: LiveServer,
) -> None:
    from tracker_client.api.measures import measures_list, measures_transitions_create
    from tracker_client.api.positions import positions_create
    from tracker_client.models import (
        ErrorResponse401,
        MeasureStatusEnum,
        MeasuresTransitionsCreateValidationError,
        PositionRequest,
        PositionsCreateValidationError,
        StanceEnum,
        TransitionRequest,
    )

    (measure,) = measures_list.sync(client=anonymous, actor=["european-union"]).results
    source_id = measure.sources[0].id

    illegal = measures_transitions_create.sync(
        measure.id,
        client=alice,
        body=TransitionRequest(to=MeasureStatusEnum.LIFTED, source=source_id),
    )
    assert isinstance(illegal, MeasuresTransitionsCreateValidationError)
    assert unparsed_parts(illegal) == []
    assert [(error.attr, error.code) for error in illegal.errors] == [("to", "illegal_transition")]

    contradiction = positions_create.sync(
        client=alice,
        body=PositionRequest(
            actor="united-states",
            event="kyiv-drone-strike",
            stance=StanceEnum.CONDEMN,
            cameo_code="051",  # praise: not a condemnation
            summary="Condemns the strike.",
            sources=[source_id],
        ),
    )
    assert isinstance(contradiction, PositionsCreateValidationError)
    assert unparsed_parts(contradiction) == []
    assert [error.attr for error in contradiction.errors] == ["cameo_code"]

    self_target = positions_create.sync(
        client=alice,
        body=PositionRequest(
            actor="russia",
            target="russia",
            stance=StanceEnum.JUSTIFY,
            summary="Justifies its own actions.",
            sources=[source_id],
        ),
    )
    assert isinstance(self_target, PositionsCreateValidationError)
    assert unparsed_parts(self_target) == []
    assert [(error.attr, error.code) for error in self_target.errors] == [("target", "invalid")]

    with tracker_client.AuthenticatedClient(
        base_url=live_server.url, token="not-a-token", prefix="Token"
    ) as stranger:
        refused = measures_transitions_create.sync(
            measure.id,
            client=stranger,
            body=TransitionRequest(to=MeasureStatusEnum.PROPOSED, source=source_id),
        )
    assert isinstance(refused, ErrorResponse401)
