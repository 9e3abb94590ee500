from __future__ import annotations

from rest_framework import viewsets

from actors.api.serializers import ActorSerializer, MembershipSerializer
from actors.filtersets import ActorFilterSet, MembershipFilterSet
from actors.models import Actor, Membership


class ActorViewSet(viewsets.ModelViewSet):
    """States, organizations, alliances, people and groups that act or speak."""

    queryset = Actor.objects.select_related("parent")
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class MembershipViewSet(viewsets.ModelViewSet):
    """Which actor belongs to which organization, and when."""

    queryset = Membership.objects.select_related("member", "organization")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
