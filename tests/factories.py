"""Small builders for test data: valid records with overridable fields."""

from __future__ import annotations

import itertools
from typing import Any

from actors.choices import ActorKind
from actors.models import Actor, Membership
from responses.choices import EventKind, MeasureKind, SourceKind, Stance
from responses.models import Conflict, Event, Measure, MeasureStatusChange, Position, Source

_sequence = itertools.count(1)


def make_actor(**fields: Any) -> Actor:
    number = next(_sequence)
    fields.setdefault("slug", f"actor-{number}")
    fields.setdefault("name", f"Actor {number}")
    fields.setdefault("kind", ActorKind.STATE)
    return Actor.objects.create(**fields)


def make_membership(**fields: Any) -> Membership:
    fields.setdefault("member", make_actor())
    fields.setdefault("organization", make_actor(kind=ActorKind.MILITARY_ALLIANCE))
    return Membership.objects.create(**fields)


def make_source(**fields: Any) -> Source:
    number = next(_sequence)
    fields.setdefault("kind", SourceKind.NEWS_ARTICLE)
    fields.setdefault("title", f"Article {number}")
    return Source.objects.create(**fields)


def make_conflict(**fields: Any) -> Conflict:
    number = next(_sequence)
    fields.setdefault("slug", f"conflict-{number}")
    fields.setdefault("name", f"Conflict {number}")
    return Conflict.objects.create(**fields)


def make_event(*, sources: list[Source] | None = None, **fields: Any) -> Event:
    number = next(_sequence)
    fields.setdefault("slug", f"event-{number}")
    fields.setdefault("title", f"Event {number}")
    fields.setdefault("kind", EventKind.DRONE_STRIKE)
    event = Event.objects.create(**fields)
    event.sources.set(sources or [make_source()])
    return event


def make_position(*, sources: list[Source] | None = None, **fields: Any) -> Position:
    fields.setdefault("actor", make_actor())
    if "event" not in fields and "target" not in fields:
        fields["event"] = make_event()
    fields.setdefault("stance", Stance.CONDEMN)
    fields.setdefault("summary", "Condemns the strike.")
    position = Position.objects.create(**fields)
    position.sources.set(sources or [make_source()])
    return position


def make_measure(*, sources: list[Source] | None = None, **fields: Any) -> Measure:
    fields.setdefault("actor", make_actor(kind=ActorKind.SUPRANATIONAL_UNION))
    fields.setdefault("target", make_actor())
    fields.setdefault("kind", MeasureKind.SANCTIONS)
    measure = Measure.objects.create(**fields)
    measure.sources.set(sources or [make_source()])
    return measure


def make_status_change(**fields: Any) -> MeasureStatusChange:
    from responses.lifecycle import transition_measure

    measure = fields.pop("measure", None) or make_measure()
    return transition_measure(
        measure, to=fields.pop("to", "proposed"), source=fields.pop("source", make_source())
    )
