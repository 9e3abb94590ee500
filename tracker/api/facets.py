"""Facets: a list's counts by its main dimensions, for its current filters.

``?facets=stance,actor`` adds a ``facets`` object to a list's JSON: for each
facet, the largest groups (the latest periods, for dates) among the records
the filters match, each with the query that narrows the list to it. The
browsable API shows every facet of the list beside it, unasked.

A list offers facets by declaring a ``facets`` filter (``FacetsFilter``)
holding its dimensions (tracker.api.dimensions): the filter validates the
parameter and documents it, and the counts endpoint reads the same dimensions.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tracker.api.dimensions import Dimension, Value
from tracker.time_limits import TimedOut, within

FACET_SIZE = 10
MAX_FACET_SIZE = 50
# The paging parameters (tracker.api.pagination) point into the list being
# narrowed: a narrowed list starts again at its first page.
PAGING = ("offset", "cursor")


class CommaSeparatedCheckboxes(forms.CheckboxSelectMultiple):
    """Boxes to tick in the browsable form; ``?facets=a,b`` or the parameter repeated."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return [item for value in values for item in str(value).split(",") if item]


class FacetsFilter(filters.MultipleChoiceFilter):
    """The ``facets`` parameter: which dimensions to count. It narrows nothing."""

    def __init__(self, *dimensions: Dimension, shown: tuple[str, ...] = ()) -> None:
        self.dimensions = {dimension.name: dimension for dimension in dimensions}
        # What the browsable API shows beside the list unasked: the cheaper counts.
        self.shown = list(shown or self.dimensions)
        super().__init__(
            choices=[(name, name) for name in self.dimensions],
            widget=CommaSeparatedCheckboxes,
            help_text=(
                "Counts to add beside the results, for the current filters, comma-separated: "
                f"{', '.join(self.dimensions)}. Each lists its {FACET_SIZE} largest groups "
                "(dates: the latest periods) with the query that narrows the list to each; "
                "facet_size changes how many."
            ),
        )

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


def facets_filter_of(filterset_class: Any) -> FacetsFilter | None:
    if filterset_class is None:
        return None
    declared = filterset_class.base_filters.get("facets")
    return declared if isinstance(declared, FacetsFilter) else None


class FacetSizeFilter(filters.NumberFilter):
    """``facet_size``: how many groups each facet lists. It narrows nothing either."""

    field_class = forms.IntegerField

    def __init__(self) -> None:
        super().__init__(
            min_value=1,
            max_value=MAX_FACET_SIZE,
            help_text=f"Groups each facet lists, 1 to {MAX_FACET_SIZE} (default {FACET_SIZE}).",
        )

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        return qs


# The ``facets`` object of a list's page, for the schema (tracker.api.pagination).
FACETS_SCHEMA = {
    "type": "object",
    "description": (
        "Only when asked for with ?facets=: the counts by each facet named, for the current "
        "filters, keyed by the facet's name."
    ),
    "additionalProperties": {
        "type": "object",
        "required": ["values", "truncated", "timed_out"],
        "properties": {
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "label", "count", "selected", "url"],
                    "properties": {
                        "value": {
                            "type": "string",
                            "description": "The filter's value for this group (dates: the "
                            "period's first day).",
                        },
                        "label": {"type": "string", "description": "The value in words."},
                        "count": {"type": "integer", "description": "Records in this group."},
                        "selected": {
                            "type": "boolean",
                            "description": "Whether the filters already narrow to it.",
                        },
                        "url": {
                            "type": "string",
                            "format": "uri",
                            "description": "The list narrowed to this group; when selected, "
                            "the list without it.",
                        },
                    },
                },
            },
            "truncated": {
                "type": "boolean",
                "description": "Whether there are more groups than facet_size shows.",
            },
            "timed_out": {
                "type": "boolean",
                "description": "Whether counting took longer than the request's time for "
                "facets (values is then empty): narrow the list and ask again.",
            },
        },
    },
}


def _facet(
    dimension: Dimension, queryset: QuerySet, request: Request, size: int, seconds: float
) -> dict[str, Any]:
    try:
        with within(seconds, queryset.db):
            found = dimension.top(queryset, size + 1)
    except TimedOut:
        return {"values": [], "truncated": False, "timed_out": True}
    here = remove_query_param(request.build_absolute_uri(), PAGING[0])
    here = remove_query_param(here, PAGING[1])
    return {
        "values": [
            _value(dimension, value, count, here, request) for _key, value, count in found[:size]
        ],
        "truncated": len(found) > size,
        "timed_out": False,
    }


def _value(
    dimension: Dimension, value: Value, count: int, here: str, request: Request
) -> dict[str, Any]:
    narrowing = dimension.narrowing(value)
    selected = all(request.query_params.getlist(name) == [v] for name, v in narrowing.items())
    url = here
    for name, narrowed in narrowing.items():
        url = (
            remove_query_param(url, name) if selected else replace_query_param(url, name, narrowed)
        )
    return {
        "value": value.value,
        "label": value.label,
        "count": count,
        "selected": selected,
        "url": url,
    }


def requested(request: Request) -> list[str]:
    values = request.query_params.getlist("facets")
    return [name for value in values for name in value.split(",") if name]


def facets_for(
    declared: FacetsFilter,
    names: Sequence[str],
    queryset: QuerySet,
    request: Request,
    seconds: float,
) -> dict[str, Any]:
    # Validated with the filters (FacetSizeFilter), before the list was read.
    size = int(request.query_params.get("facet_size") or FACET_SIZE)
    # One budget for all of a request's facets, spent in the order they were asked for.
    deadline = time.monotonic() + seconds
    return {
        name: _facet(
            declared.dimensions[name], queryset, request, size, deadline - time.monotonic()
        )
        for name in dict.fromkeys(names)
        if name in declared.dimensions
    }


class FacetsMixin:
    """Adds the requested facets to a list's page (see the module)."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        response = super().list(request, *args, **kwargs)  # type: ignore[misc]
        names = requested(request)
        if names and isinstance(response, Response) and isinstance(response.data, dict):
            response.data["facets"] = self.facets(names)
        return response

    def shown_facets(self) -> dict[str, Any]:
        """The facets the browsable API shows: those asked for, else the list's usual ones."""
        declared = facets_filter_of(getattr(self, "filterset_class", None))
        if declared is None:
            return {}
        view: Any = self
        return self.facets(requested(view.request) or declared.shown)

    def facets(self, names: Sequence[str]) -> dict[str, Any]:
        """The facets called ``names`` of the records this request's filters match."""
        declared = facets_filter_of(getattr(self, "filterset_class", None))
        if declared is None:
            return {}
        view: Any = self
        paginator = view.paginator
        # The page's count was given up (a search on SQLite): counting groups
        # of the same matches would run out of time too.
        gave_up = getattr(paginator, "count", 0) is None and not getattr(
            paginator, "cursor_mode", False
        )
        seconds = 0 if gave_up else settings.FACETS_TIME_LIMIT
        queryset = view.filter_queryset(view.get_queryset())
        return facets_for(declared, names, queryset, view.request, seconds)
