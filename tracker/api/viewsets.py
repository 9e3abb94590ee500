"""The viewset bases every resource uses."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import mixins

from tracker.api.caching import CachedReadMixin
from tracker.api.conditional import ConditionalRequestMixin
from tracker.api.export import CsvExportMixin


class ReadQuerysetMixin:
    """Lists and details read ``read_queryset``: the same rows, only the columns shown.

    Writes keep the full ``queryset``: validation may look at any field.
    """

    read_queryset: ClassVar[QuerySet[Any] | None] = None
    read_actions: ClassVar[frozenset[str]] = frozenset({"list", "retrieve"})

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset()  # type: ignore[misc]
        action = getattr(self, "action", None)
        if self.read_queryset is not None and action in self.read_actions:
            # A fresh clone each time, as GenericAPIView does with ``queryset``.
            return self.read_queryset.all()
        return queryset


class TrackerViewSet(
    CachedReadMixin,
    ReadQuerysetMixin,
    ConditionalRequestMixin,
    CsvExportMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
):
    """Read and write, with ETags, preconditions, CSV and a streaming export."""

    cursor_paging = True


class TrackerReadOnlyViewSet(
    CachedReadMixin,
    ReadQuerysetMixin,
    ConditionalRequestMixin,
    CsvExportMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
):
    """Read only, with ETags, CSV and a streaming export."""

    cursor_paging = True
