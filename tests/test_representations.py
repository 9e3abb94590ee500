"""The explicit ``to_representation`` of the hot serializers answers what their fields declare.

Each is compared with DRF's own ``Serializer.to_representation`` (the loop over
the declared fields) on records read as the API reads them, with every
nullable value both set and empty.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from actors.api.serializers import ActorBriefSerializer
from actors.models import Actor
from responses.api.briefs import (
    ConflictBriefSerializer,
    EventBriefSerializer,
    PositionBriefSerializer,
    SourceBriefSerializer,
)
from responses.models import Conflict, Event, EventRelation, Position, Source
from tests.factories import (
    make_actor,
    make_conflict,
    make_event,
    make_position,
    make_source,
)

pytestmark = pytest.mark.django_db


def varied_records() -> None:
    """Records with every optional value set, and others with none."""
    conflict = make_conflict(name="Conflict with a name", slug="a-conflict")
    bare_event = make_event(kind="strike", occurred_on=None, occurred_on_precision="")
    full_event = make_event(
        conflict=conflict,
        initiator=make_actor(short_name="INI"),
        target=make_actor(),
        location="Somewhere",
        country="UA",
        impacts=["civilian_casualties"],
        fatalities=3,
        injuries=0,
        sources=[make_source(publisher="A publisher"), make_source(publisher="")],
    )
    full_event.participants.set([make_actor(), make_actor(short_name="")])
    EventRelation.objects.create(from_event=full_event, to_event=bare_event, relation="follows")
    make_position(
        speaker=make_actor(),
        event=full_event,
        target=make_actor(),
        cameo_code="0256",
        quote="A quote",
        sources=[make_source(), make_source()],
    )
    make_position(event=bare_event, target=None, speaker=None)
    # No event (a position about an actor), no speaker, no date.
    make_position(
        event=None, speaker=None, target=make_actor(), stated_on=None, stated_on_precision=""
    )


def request_context() -> dict[str, Any]:
    return {"request": Request(APIRequestFactory().get("/api/v1/"))}


def same_as_declared(serializer_class: type[serializers.Serializer], records: QuerySet) -> None:
    explicit = serializer_class(context=request_context())
    declared = serializer_class(context=request_context())
    found = list(records)
    assert found
    for record in found:
        assert explicit.to_representation(record) == serializers.Serializer.to_representation(
            declared, record
        )


@pytest.mark.parametrize(
    ("serializer_class", "model"),
    [
        (ActorBriefSerializer, Actor),
        (SourceBriefSerializer, Source),
        (ConflictBriefSerializer, Conflict),
        (EventBriefSerializer, Event),
        (PositionBriefSerializer, Position),
    ],
)
def test_each_brief_is_what_its_fields_declare(
    serializer_class: type[serializers.Serializer], model: type[Model]
) -> None:
    varied_records()
    same_as_declared(serializer_class, model._default_manager.all())
