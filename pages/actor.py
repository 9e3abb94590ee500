"""What the actor page shows: the actor, its latest positions and measures, their lifecycles.

A busy actor has some 100,000 positions and 20,000 measures: the page lists
the latest few and links to the API's lists, which page through the rest.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch
from django.urls import reverse

from actors.models import Actor, Membership
from pages import charts
from pages.event import MEASURE_COLUMNS, api_list, listed_sources
from responses.choices import MeasureStatus, Stance
from responses.counts import counts_over_time
from responses.filtersets import PositionFilterSet
from responses.models import Measure, MeasureStatusChange, Position

POSITIONS_LISTED = 10
MEASURES_LISTED = 10
MEMBERSHIPS_LISTED = 10
# Months of the chart of positions by stance, up to the latest.
CHART_MONTHS = 36
BRIEF = ("slug", "name")


def actor_for_page(slug: str) -> Actor:
    """The actor and its parent (raises ``Actor.DoesNotExist``)."""
    return Actor.objects.select_related("parent").defer("search_vector").get(slug=slug)


def latest_positions(actor: Actor) -> list[Position]:
    # Dated ones only: an undated position is not "recent", and the newest
    # dated ones come straight from the (actor, stated_on) index.
    return list(
        Position.objects.filter(actor_id=actor.pk, stated_on__isnull=False)
        .select_related("event", "target")
        .only(
            "id",
            "stance",
            "summary",
            "quote",
            "stated_on",
            "stated_on_precision",
            "event__slug",
            "event__title",
            *(f"target__{name}" for name in BRIEF),
        )
        .prefetch_related(listed_sources())
        .order_by("-stated_on", "-id")[:POSITIONS_LISTED]
    )


def latest_measures(actor: Actor) -> list[Measure]:
    """The newest measures, each with its status changes in the order they were recorded."""
    changes = MeasureStatusChange.objects.only(
        "id", "measure_id", "from_status", "to_status", "changed_on", "note"
    ).order_by("created_at", "id")
    # The ids first: sorting a busy actor's 30,000 measures by date is cheaper
    # on their ids alone than with the columns and joins shown.
    latest = list(
        Measure.objects.filter(actor_id=actor.pk)
        .order_by("-announced_on", "-id")
        .values_list("id", flat=True)[:MEASURES_LISTED]
    )
    return list(
        Measure.objects.filter(pk__in=latest)
        .select_related("target", "event")
        .only(
            *MEASURE_COLUMNS,
            *(f"target__{name}" for name in BRIEF),
            "event__slug",
            "event__title",
        )
        .prefetch_related(Prefetch("status_changes", queryset=changes), listed_sources())
        .order_by("-announced_on", "-id")[:MEASURES_LISTED]
    )


def stance_chart(actor: Actor, latest: datetime.date | None) -> dict[str, Any] | None:
    """The actor's positions per month and stance over its last CHART_MONTHS months.

    The numbers are ``counts_over_time``'s, as the API's counts give them;
    the chart links that answer as CSV. The months end at the actor's latest
    dated position: a busy actor has twenty years of them, and a chart of
    the last few stays readable and costs a fraction of the whole history
    (which the page links too).
    """
    if latest is None:
        return None
    first_month = latest.year * 12 + latest.month - 1 - (CHART_MONTHS - 1)
    since = datetime.date(first_month // 12, first_month % 12 + 1, 1).isoformat()
    rows = counts_over_time(
        Position.objects.filter(actor_id=actor.pk, stated_on__gte=since),
        PositionFilterSet,
        period="month",
        by="stance",
        top=len(Stance),
    )
    periods = sorted({row["period"] for row in rows})
    counts = {(row["period"], row["stance"]): row["count"] for row in rows}
    shown = [stance for stance in Stance if any(key[1] == stance.value for key in counts)]
    series = {
        stance.label: [counts.get((period, stance.value), 0) for period in periods]
        for stance in shown
    }
    labels = [period.strftime("%Y-%m") for period in periods]
    query = {"actor": actor.slug, "by": "stance", "period": "month", "top": len(Stance)}
    counts_url = reverse("api:position-counts")
    return {
        "svg": charts.lines_over_time(
            labels,
            series,
            label=(
                f"{actor.name}'s positions per month by stance, {labels[0]} to {labels[-1]}; "
                "the table after the chart gives the same numbers."
            ),
            ylabel="Positions",
        ),
        "first": labels[0],
        "last": labels[-1],
        "stances": [stance.label for stance in shown],
        "table": [
            (label, [series[stance.label][index] for stance in shown])
            for index, label in enumerate(labels)
        ],
        "csv_url": f"{counts_url}?{urlencode({**query, 'stated_after': since, 'format': 'csv'})}",
        "all_csv_url": f"{counts_url}?{urlencode({**query, 'format': 'csv'})}",
    }


def tally(queryset: Any, field: str, choices: Any) -> list[dict[str, Any]]:
    """How many rows of ``queryset`` have each value of ``field``, in the choices' order."""
    found = dict(queryset.order_by().values_list(field).annotate(count=Count("id")))
    return [
        {"value": value, "label": label, "count": found[value]}
        for value, label in choices
        if found.get(value)
    ]


def actor_page(actor: Actor) -> dict[str, Any]:
    """Everything the actor page shows, in a fixed number of queries."""
    memberships = list(
        Membership.objects.filter(member_id=actor.pk)
        .select_related("organization")
        .only("id", "started_on", "ended_on", *(f"organization__{name}" for name in BRIEF))
        .order_by("organization__name", "id")[: MEMBERSHIPS_LISTED + 1]
    )
    members = Membership.objects.filter(organization_id=actor.pk).count()
    slug = actor.slug
    positions = latest_positions(actor)
    return {
        "actor": actor,
        "memberships": memberships[:MEMBERSHIPS_LISTED],
        "more_memberships": len(memberships) > MEMBERSHIPS_LISTED,
        "memberships_url": api_list("api:membership-list", member=slug),
        "members": members,
        "members_url": api_list("api:membership-list", organization=slug),
        "stances": tally(Position.objects.filter(actor_id=actor.pk), "stance", Stance.choices),
        "positions": positions,
        "chart": stance_chart(actor, positions[0].stated_on if positions else None),
        "positions_url": api_list("api:position-list", actor=slug),
        "statuses": tally(
            Measure.objects.filter(actor_id=actor.pk), "status", MeasureStatus.choices
        ),
        "measures": latest_measures(actor),
        "measures_url": api_list("api:measure-list", actor=slug),
        "timeline_url": reverse("api:actor-timeline", kwargs={"slug": slug}),
        "api_url": reverse("api:actor-detail", kwargs={"slug": slug}),
        "follow_through_url": f"{reverse('pages:follow-through')}?actor={slug}",
    }
