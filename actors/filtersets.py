from __future__ import annotations

from django_filters import rest_framework as filters

from actors.choices import ActorKind
from actors.models import Actor, Membership
from tracker.api.dimensions import Choice
from tracker.api.facets import FacetsFilter
from tracker.api.filtersets import (
    BaseFilterSet,
    CountryFilter,
    OrderingFilter,
    SlugFilter,
    updated_since_filter,
)


def actor_filter(relation: str, help_text: str) -> SlugFilter:
    return SlugFilter(relation, Actor.objects.all(), help_text)


class ActorFilterSet(BaseFilterSet):
    kind = filters.MultipleChoiceFilter(choices=ActorKind.choices, help_text="Kind of actor.")
    country = CountryFilter(field_name="country", help_text="ISO 3166-1 alpha-2 country code.")
    parent = actor_filter("parent", "Slug of the parent actor.")
    member_of = actor_filter(
        "memberships__organization", "Slug of an organization the actor belongs to."
    )
    updated_since = updated_since_filter()
    ordering = OrderingFilter("name", "slug", "kind", "updated_at", ranked=True)
    facets = FacetsFilter(
        Choice("kind", "kind", ActorKind.choices), Choice("country", "country", ())
    )

    class Meta:
        model = Actor
        fields = [
            "q",
            "kind",
            "country",
            "parent",
            "member_of",
            "updated_since",
            "ordering",
            "facets",
        ]


class MembershipFilterSet(BaseFilterSet):
    search_fields = ("member__name", "organization__name")

    member = actor_filter("member", "Slug of the member actor.")
    organization = actor_filter("organization", "Slug of the organization.")
    updated_since = updated_since_filter()
    ordering = OrderingFilter("started_on", "updated_at")

    class Meta:
        model = Membership
        fields = ["q", "member", "organization", "updated_since", "ordering"]
