"""The change feed: what was created, updated or deleted, in order, for mirrors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, pagination, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from responses.models import Change, ChangeAction, FeedPurge
from responses.signals import FEED_RESOURCES
from tracker.api.errors import Gone

RESOURCE_CHOICES = [(resource, resource) for resource, _ in FEED_RESOURCES.values()]
DETAIL_ROUTES = {
    resource: (resource.rstrip("s"), lookup) for resource, lookup in FEED_RESOURCES.values()
}


class ChangeSerializer(serializers.ModelSerializer):
    """One created, updated or deleted record."""

    cursor = serializers.CharField(source="pk", read_only=True, help_text="This entry's cursor.")
    id = serializers.IntegerField(source="object_id", read_only=True, help_text="The record's id.")
    resource = serializers.ChoiceField(choices=RESOURCE_CHOICES, read_only=True)
    url = serializers.SerializerMethodField(
        help_text="The record's address in the API; null once it is deleted."
    )

    class Meta:
        model = Change
        fields = ["cursor", "resource", "id", "key", "action", "changed_at", "url"]
        read_only_fields = fields

    def get_url(self, change: Change) -> str | None:
        if change.action == ChangeAction.DELETED:
            return None
        basename, lookup = DETAIL_ROUTES[change.resource]
        kwarg = "slug" if lookup == "slug" else "pk"
        try:
            path = reverse(f"api:{basename}-detail", kwargs={kwarg: change.key})
        except NoReverseMatch:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ChangeFeedFilterSet(filters.FilterSet):
    resource = filters.MultipleChoiceFilter(
        choices=RESOURCE_CHOICES, help_text="Only changes to these resources."
    )
    action = filters.MultipleChoiceFilter(
        choices=ChangeAction.choices, help_text="Only these kinds of change."
    )

    class Meta:
        model = Change
        fields = ["resource", "action"]


def behind_retention(since: int, purged_through: int) -> Gone:
    days = settings.CHANGE_FEED_RETENTION_DAYS
    return Gone(
        f"The feed keeps {days} days of changes: the entries through cursor "
        f"{purged_through} are deleted, and some after since={since} may be among them. "
        "Copy the records again from the lists (or their /export/), then read the feed "
        f"from since={purged_through}: applying an entry twice is harmless."
    )


class ChangeFeedPagination(pagination.BasePagination):
    """Pages forward from ``since``, the cursor of the last entry a client applied."""

    default_limit = 500
    max_limit = 5000

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        self.request = request
        since = self._whole_number(request, "since", default=0, minimum=0)
        self.limit = min(
            self._whole_number(request, "limit", default=self.default_limit, minimum=1),
            self.max_limit,
        )
        purged_through = FeedPurge.objects.values_list("purged_through", flat=True).first()
        if purged_through is not None and since < purged_through:
            raise behind_retention(since, purged_through)
        rows = list(queryset.filter(pk__gt=since).order_by("pk")[: self.limit + 1])
        self.has_more = len(rows) > self.limit
        page = rows[: self.limit]
        self.next_cursor = str(page[-1].pk) if page else str(since)
        return page

    @staticmethod
    def _whole_number(request: Request, name: str, *, default: int, minimum: int) -> int:
        raw = request.query_params.get(name, "")
        if raw == "":
            return default
        if not raw.isdigit() or int(raw) < minimum:
            raise ValidationError({name: [f"Expected a whole number of at least {minimum}."]})
        return int(raw)

    def get_paginated_response(self, data: Any) -> Response:
        next_url = replace_query_param(self.request.build_absolute_uri(), "since", self.next_cursor)
        return Response(
            {
                "next_cursor": self.next_cursor,
                "next": next_url,
                "has_more": self.has_more,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next_cursor", "next", "has_more", "results"],
            "properties": {
                "next_cursor": {
                    "type": "string",
                    "description": "Pass as since to read on; unchanged when nothing is new.",
                },
                "next": {"type": "string", "format": "uri"},
                "has_more": {
                    "type": "boolean",
                    "description": "True when more entries wait: read on at once.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "since",
                "in": "query",
                "required": False,
                "description": (
                    "The cursor of the last entry you applied (0 or absent: from the start)."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": (
                    f"Entries per page (default {self.default_limit}, at most {self.max_limit})."
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


@extend_schema_view(
    list=extend_schema(
        summary="What was created, updated or deleted since a cursor",
        description=(
            "The feed a mirror applies to stay in step, deletions included. Entries come "
            "in cursor order; apply them idempotently and keep next_cursor. An entry "
            "appears when its transaction commits, so a write that commits late can carry "
            "a smaller cursor than one already read: mirrors that must not miss one re-read "
            "from a cursor a little behind their last (applying twice is harmless). "
            "Entries are kept for a limited time (the server's CHANGE_FEED_RETENTION_DAYS, "
            "90 days by default): a since older than that is answered 410 Gone, and the "
            "client copies the records again before reading on."
        ),
    )
)
class ChangeFeedViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Change.objects.all()
    serializer_class = ChangeSerializer
    filterset_class = ChangeFeedFilterSet
    pagination_class = ChangeFeedPagination
    # Answers 410 to a client behind its retention (behind_retention): the schema says so.
    answers_gone = True
