"""What the follow-through page shows: the API's statistics, one page of actors at a time.

The same filters, the same paging (``limit`` and ``offset``) and the same
functions as ``/api/v1/stats/follow-through/``, so a page and the API asked
the same question give the same numbers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse

from responses.analysis import actors_of, follow_through, with_actors
from responses.api.analysis import FollowThroughFilterSet
from responses.models import Measure

# Fewer than the API's 50: each actor is a pair of bars in the chart, and a page
# of busy actors reads thousands of measures (`?limit=` asks for up to MAX_LIMIT).
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


def bounded(query: QueryDict, name: str, default: int, maximum: int) -> int:
    """A whole number from the query, forced into 0..maximum; ``default`` when unreadable."""
    try:
        value = int(query.get(name, default))
    except ValueError:
        return default
    return min(max(value, 0), maximum)


def follow_through_page(query: QueryDict) -> dict[str, Any]:
    """The filter form, one page of actors' statistics and the links around it."""
    filterset = FollowThroughFilterSet(query, queryset=Measure.objects.all())
    context: dict[str, Any] = {"form": filterset.form, "rows": [], "count": 0}
    if not filterset.is_valid():
        return context
    limit = bounded(query, "limit", DEFAULT_LIMIT, MAX_LIMIT) or DEFAULT_LIMIT
    offset = bounded(query, "offset", 0, 10**9)
    # The queries the API's view makes: the actors, one page of them, their statistics.
    measures = filterset.qs
    actors = actors_of(measures)
    count = actors.count()
    shown = list(actors[offset : offset + limit])
    rows = with_actors(
        follow_through(measures.filter(actor__in=[actor.pk for actor in shown])), shown
    )
    filters = [
        (name, value)
        for name, values in query.lists()
        if name not in ("limit", "offset", "format")
        for value in values
        if value
    ]

    def page(at: int) -> str:
        return "?" + urlencode([*filters, ("limit", limit), ("offset", at)])

    here = page(offset)
    context.update(
        rows=rows,
        count=count,
        first=offset + 1,
        last=offset + len(rows),
        previous=page(max(offset - limit, 0)) if offset > 0 else None,
        next=page(offset + limit) if offset + limit < count else None,
        api_url=f"{reverse('api:follow-through')}{here}",
        csv_url=f"{reverse('api:follow-through')}{here}&format=csv",
    )
    return context
