from __future__ import annotations

from actors.api.serializers import ActorBriefSerializer, ActorSerializer, MembershipSerializer
from actors.declarations import ACTOR, MEMBERSHIP
from actors.filtersets import ActorFilterSet, MembershipFilterSet
from actors.models import Actor, Membership
from tracker.api.history import HistoryMixin
from tracker.api.queries import columns_for
from tracker.api.viewsets import TrackerViewSet


class ActorViewSet(HistoryMixin, TrackerViewSet):
    """States, organizations, alliances, people and groups that act or speak."""

    queryset = Actor.objects.select_related("parent")
    read_queryset = Actor.objects.select_related("parent").only(
        *columns_for(Actor, parent=ActorBriefSerializer)
    )
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    declaration = ACTOR
    # The browsable API links a record to its page for analysts (the pages app).
    page_url_name = "pages:actor"


class MembershipViewSet(TrackerViewSet):
    """Which actor belongs to which organization, and when."""

    queryset = Membership.objects.select_related("member", "organization")
    read_queryset = Membership.objects.select_related("member", "organization").only(
        *columns_for(Membership, member=ActorBriefSerializer, organization=ActorBriefSerializer)
    )
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    declaration = MEMBERSHIP
