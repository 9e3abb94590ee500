from __future__ import annotations

from actors.api.serializers import ActorBriefSerializer, ActorSerializer, MembershipSerializer
from actors.filtersets import ActorFilterSet, MembershipFilterSet
from actors.models import Actor, Membership
from tracker.api.export import CsvColumn
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
    csv_columns = (
        CsvColumn("id", "id"),
        CsvColumn("slug", "slug"),
        CsvColumn("name", "name"),
        CsvColumn("short_name", "short_name"),
        CsvColumn("kind", "kind"),
        CsvColumn("country", "country"),
        CsvColumn("parent_slug", "parent__slug"),
        CsvColumn("aliases", "aliases"),
        CsvColumn("wikidata_id", "wikidata_id"),
        CsvColumn("description", "description"),
        CsvColumn("created_at", "created_at"),
        CsvColumn("updated_at", "updated_at"),
    )


class MembershipViewSet(TrackerViewSet):
    """Which actor belongs to which organization, and when."""

    queryset = Membership.objects.select_related("member", "organization")
    read_queryset = Membership.objects.select_related("member", "organization").only(
        *columns_for(Membership, member=ActorBriefSerializer, organization=ActorBriefSerializer)
    )
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    csv_columns = (
        CsvColumn("id", "id"),
        CsvColumn("member_slug", "member__slug"),
        CsvColumn("member_name", "member__name"),
        CsvColumn("organization_slug", "organization__slug"),
        CsvColumn("organization_name", "organization__name"),
        CsvColumn("started_on", "started_on"),
        CsvColumn("ended_on", "ended_on"),
        CsvColumn("created_at", "created_at"),
        CsvColumn("updated_at", "updated_at"),
    )
