"""Keeping derived data in step with every save, whoever saves."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q
from django.db.models.signals import post_save

from actors.models import Actor
from responses.models import Conflict, Event, Measure, Position, Source
from tracker.search import refresh_search_vectors

SEARCHABLE: tuple[type[Model], ...] = (Actor, Conflict, Event, Source, Position, Measure)


def refresh_own_vector(sender: type[Model], instance: Model, raw: bool = False, **_: Any) -> None:
    if not raw:  # fixtures load raw rows; rebuild_search covers them
        refresh_search_vectors(sender._default_manager.filter(pk=instance.pk))


def refresh_vectors_naming_actor(
    sender: type[Actor], instance: Actor, raw: bool = False, **_: Any
) -> None:
    # Positions and measures are found by their actors' names, so a rename
    # must reach them.
    if not raw:
        refresh_search_vectors(Position.objects.filter(Q(actor=instance) | Q(target=instance)))
        refresh_search_vectors(Measure.objects.filter(Q(actor=instance) | Q(target=instance)))


def refresh_vectors_naming_event(
    sender: type[Event], instance: Event, raw: bool = False, **_: Any
) -> None:
    if not raw:
        refresh_search_vectors(Position.objects.filter(event=instance))


def connect() -> None:
    for model in SEARCHABLE:
        post_save.connect(refresh_own_vector, sender=model, dispatch_uid=f"search-{model.__name__}")
    post_save.connect(
        refresh_vectors_naming_actor, sender=Actor, dispatch_uid="search-actor-dependents"
    )
    post_save.connect(
        refresh_vectors_naming_event, sender=Event, dispatch_uid="search-event-dependents"
    )
