"""The database itself refuses data that breaks the rules, whoever writes it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from actors.models import Actor, Membership
from responses.models import Event, Measure, MeasureStatusChange, Position, Source
from tests.factories import (
    make_actor,
    make_event,
    make_measure,
    make_position,
    make_source,
)

pytestmark = pytest.mark.django_db


def refused(write: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_slugs_are_unique() -> None:
    make_actor(slug="ukraine")
    refused(lambda: Actor.objects.create(slug="ukraine", name="Ukraine", kind="state"))
    make_event(slug="kyiv-drone-strike")
    refused(lambda: Event.objects.create(slug="kyiv-drone-strike", title="T", kind="other"))


def test_casualty_figures_are_never_negative() -> None:
    refused(lambda: Event.objects.create(slug="a", title="A", kind="other", fatalities=-1))
    refused(lambda: Event.objects.create(slug="b", title="B", kind="other", injuries=-3))


def test_a_measure_does_not_end_before_it_takes_effect() -> None:
    measure = make_measure(status="lifted")
    measure.effective_on = datetime.date(2026, 5, 1)
    measure.ended_on = datetime.date(2026, 4, 1)
    refused(measure.save)


def test_a_currency_needs_an_amount() -> None:
    measure = make_measure()
    measure.currency = "EUR"
    refused(measure.save)


def test_a_position_is_about_an_event_or_a_target() -> None:
    refused(
        lambda: Position.objects.create(actor=make_actor(), stance="condemn", summary="Condemns.")
    )


def test_a_date_goes_with_its_precision() -> None:
    position = make_position()
    position.stated_on = datetime.date(2026, 5, 1)
    refused(position.save)


def test_a_status_change_moves_somewhere() -> None:
    measure = make_measure()
    refused(
        lambda: MeasureStatusChange.objects.create(
            measure=measure, from_status="threatened", to_status="threatened", source=make_source()
        )
    )


def test_an_unknown_status_is_refused() -> None:
    measure = make_measure()
    refused(lambda: Measure.objects.filter(pk=measure.pk).update(status="imagined"))


def test_an_actor_is_not_its_own_member() -> None:
    actor = make_actor()
    refused(lambda: Membership.objects.create(member=actor, organization=actor))


def test_urls_of_sources_are_unique_but_many_sources_have_none() -> None:
    make_source(url="https://example.org/a")
    refused(lambda: Source.objects.create(kind="other", title="B", url="https://example.org/a"))
    make_source()
    make_source()


def test_cited_actors_are_protected_in_the_database() -> None:
    from django.db.models import ProtectedError

    actor = make_actor()
    make_position(actor=actor)
    with pytest.raises(ProtectedError):
        actor.delete()
