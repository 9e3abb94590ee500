"""Keeping derived data in step with every save, whoever saves."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save

from actors.models import Actor, Membership
from responses.models import (
    Change,
    ChangeAction,
    Conflict,
    Event,
    Measure,
    MeasureStatusChange,
    Position,
    Source,
)
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
    connect_change_feed()
    for model in SEARCHABLE:
        post_save.connect(refresh_own_vector, sender=model, dispatch_uid=f"search-{model.__name__}")
    post_save.connect(
        refresh_vectors_naming_actor, sender=Actor, dispatch_uid="search-actor-dependents"
    )
    post_save.connect(
        refresh_vectors_naming_event, sender=Event, dispatch_uid="search-event-dependents"
    )


# The change feed: which API resource each model is, and how it is addressed.
FEED_RESOURCES: dict[type[Model], tuple[str, str]] = {
    Actor: ("actors", "slug"),
    Membership: ("memberships", "pk"),
    Conflict: ("conflicts", "slug"),
    Event: ("events", "slug"),
    Position: ("positions", "pk"),
    Measure: ("measures", "pk"),
    MeasureStatusChange: ("status-changes", "pk"),
    Source: ("sources", "pk"),
}


def record_change(sender: type[Model], instance: Model, action: str) -> None:
    resource, lookup = FEED_RESOURCES[sender]
    Change.objects.create(
        resource=resource,
        object_id=instance.pk,
        key=str(getattr(instance, lookup)),
        action=action,
    )


def record_save(
    sender: type[Model], instance: Model, created: bool, raw: bool = False, **_: Any
) -> None:
    record_change(sender, instance, ChangeAction.CREATED if created else ChangeAction.UPDATED)


def record_delete(sender: type[Model], instance: Model, **_: Any) -> None:
    record_change(sender, instance, ChangeAction.DELETED)


def connect_change_feed() -> None:
    for model in FEED_RESOURCES:
        post_save.connect(record_save, sender=model, dispatch_uid=f"feed-save-{model.__name__}")
        post_delete.connect(
            record_delete, sender=model, dispatch_uid=f"feed-delete-{model.__name__}"
        )
