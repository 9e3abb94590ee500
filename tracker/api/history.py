"""Read-only history of a record: ``GET .../{id}/history/``.

Each version says when, who, what kind of change, and which fields changed
from what to what (compared with the version before it). All versions of
the page and the one just before it are read in one query, so the diffs
cost nothing extra.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping columns, not what curators changed.
NOT_COMPARED = frozenset({"updated_at", "created_at"})


class FieldChangeSerializer(serializers.Serializer):
    """One field's value before and after a change."""

    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class VersionSerializer(serializers.Serializer):
    """One recorded version of a record."""

    version = serializers.IntegerField(source="history_id", help_text="Version id.")
    changed_at = serializers.DateTimeField(source="history_date")
    action = serializers.ChoiceField(
        choices=sorted(HISTORY_TYPES.values()), help_text="What happened to the record."
    )
    user = serializers.CharField(allow_null=True, help_text="Who made the change, when known.")
    reason = serializers.CharField(
        source="history_change_reason", allow_null=True, help_text="Why, when recorded."
    )
    changes = FieldChangeSerializer(many=True)


class CanReadHistory(permissions.BasePermission):
    """History names the people who made changes: signed-in readers with the view permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        model = view.get_queryset().model
        history_model = model.history.model
        opts = history_model._meta
        return bool(
            request.user
            and request.user.is_authenticated
            and request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        )


def _plain(value: Any) -> Any:
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        # A many-to-many field's rows ({"position": 1, "source": 2}): keep the
        # ids of the records linked to, which is what the API writes.
        return sorted(list(item.values())[-1] for item in value)
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _changes(newer: Any, older: Any | None) -> list[dict[str, Any]]:
    if older is None:
        return []
    delta = newer.diff_against(older, excluded_fields=list(NOT_COMPARED))
    return [
        {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}
        for change in delta.changes
    ]


class HistoryMixin(viewsets.GenericViewSet):
    """Adds ``history/`` to a viewset whose model keeps ``HistoricalRecords``."""

    @extend_schema(
        summary="Versions of this record, newest first",
        responses=VersionSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], permission_classes=[CanReadHistory], filterset_class=None)
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        versions = instance.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        page = self.paginate_queryset(versions)
        rows = list(page if page is not None else versions)
        # The version just before the page, so its oldest entry has a diff too.
        older_than_page = (
            versions.filter(history_date__lte=rows[-1].history_date)
            .exclude(history_id=rows[-1].history_id)
            .first()
            if rows
            else None
        )
        data = []
        for index, version in enumerate(rows):
            older = rows[index + 1] if index + 1 < len(rows) else older_than_page
            data.append(
                {
                    "history_id": version.history_id,
                    "history_date": version.history_date,
                    "action": HISTORY_TYPES.get(version.history_type, version.history_type),
                    "user": getattr(version.history_user, "username", None),
                    "history_change_reason": version.history_change_reason,
                    "changes": _changes(version, older),
                }
            )
        serialized = VersionSerializer(data, many=True).data
        if page is not None:
            return self.get_paginated_response(serialized)
        return Response(serialized)
