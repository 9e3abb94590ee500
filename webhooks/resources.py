"""The resources a subscription can name: the change feed's, with their list's filters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.http import QueryDict

from responses.models import ChangeAction
from responses.signals import FEED_RESOURCES

RESOURCES: dict[str, type[Model]] = {name: model for model, (name, _) in FEED_RESOURCES.items()}
RESOURCE_CHOICES = [(name, name) for name in RESOURCES]
ACTION_CHOICES = ChangeAction.choices


def filterset_class(resource: str) -> Any:
    """The FilterSet of the resource's list endpoint (its query parameters)."""
    from tracker.api.routers import routers
    from tracker.api.urls import APPS

    for router in routers(APPS):
        for prefix, viewset, _basename in router.registry:
            if prefix == resource:
                return getattr(viewset, "filterset_class", None)
    return None


def filter_errors(resource: str, query: str) -> list[str]:
    """What is wrong with ``query`` as filters of ``resource``'s list (nothing: [])."""
    filterset = filterset_class(resource)
    data = QueryDict(query)
    if filterset is None:
        return [f"The {resource} list takes no filters."]
    unknown = sorted(set(data) - set(filterset.base_filters) - {"ordering"})
    if unknown:
        known = ", ".join(sorted(set(filterset.base_filters) - {"ordering"}))
        return [f"Not a filter of the {resource} list: {', '.join(unknown)}. Its filters: {known}."]
    form = filterset(data=data, queryset=RESOURCES[resource]._default_manager.none()).form
    if not form.is_valid():
        return [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    return []


def matching(resource: str, query: str, object_ids: Iterable[int]) -> set[int]:
    """Which of the records the list gives for ``query`` (one query for them all)."""
    model = RESOURCES[resource]
    records = model._default_manager.filter(pk__in=list(object_ids))
    filterset = filterset_class(resource)(data=QueryDict(query), queryset=records)
    if not filterset.is_valid():
        return set()
    return set(filterset.qs.values_list("pk", flat=True))
