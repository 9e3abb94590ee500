"""What the actor page shows: the actor, its latest positions and measures, their lifecycles.

A busy actor has some 100,000 positions and 20,000 measures: the page lists
the latest few and links to the API's lists, which page through the rest.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch
from django.urls import reverse

from actors.models import Actor, Membership
from pages.event import api_list, listed_sources
from responses.choices import MeasureStatus, Stance
from responses.models import Measure, MeasureStatusChange, Position

POSITIONS_LISTED = 10
MEASURES_LISTED = 10
MEMBERSHIPS_LISTED = 30
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
            "id",
            "kind",
            "status",
            "condition",
            "deadline",
            "announced_on",
            "effective_on",
            "ended_on",
            "description",
            *(f"target__{name}" for name in BRIEF),
            "event__slug",
            "event__title",
        )
        .prefetch_related(Prefetch("status_changes", queryset=changes), listed_sources())
        .order_by("-announced_on", "-id")[:MEASURES_LISTED]
    )


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
    return {
        "actor": actor,
        "memberships": memberships[:MEMBERSHIPS_LISTED],
        "more_memberships": len(memberships) > MEMBERSHIPS_LISTED,
        "memberships_url": api_list("api:membership-list", member=slug),
        "members": members,
        "members_url": api_list("api:membership-list", organization=slug),
        "stances": tally(Position.objects.filter(actor_id=actor.pk), "stance", Stance.choices),
        "positions": latest_positions(actor),
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
