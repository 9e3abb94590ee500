"""The viewset bases every resource uses."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import mixins

from idempotency.replay import IdempotentCreateMixin
from tracker.api.caching import CachedReadMixin
from tracker.api.conditional import ConditionalRequestMixin, ConditionalWriteMixin
from tracker.api.export import CsvExportMixin
from tracker.api.facets import FacetsMixin
from tracker.api.rows import RowReader, RowReadMixin

# Ids are positive 64-bit integers: a longer number is no record (404), never
# an overflow in the database.
ID_PATTERN = "[0-9]{1,18}"


class ReadQuerysetMixin:
    """Lists and details read ``read_queryset``: the same rows, only the columns shown.

    Writes keep the full ``queryset``: validation may look at any field. A
    viewset that narrows what lists and details read per request overrides
    ``get_rows`` (tracker.api.rows) as well as ``get_queryset``.
    """

    read_queryset: ClassVar[QuerySet[Any] | None] = None
    read_actions: ClassVar[frozenset[str]] = frozenset({"list", "retrieve"})
    sparse_relations: ClassVar[frozenset[str]] = frozenset()

    def read_source(self) -> QuerySet[Any] | None:
        """``read_queryset`` when this request's action reads it, else None."""
        if getattr(self, "action", None) in self.read_actions:
            return self.read_queryset
        return None

    def get_queryset(self) -> QuerySet[Any]:
        source = self.read_source()
        if source is not None:
            # A fresh clone each time, as GenericAPIView does with ``queryset``.
            return source.all()
        queryset: QuerySet[Any] = super().get_queryset()  # type: ignore[misc]
        return queryset

    def get_rows(self, reader: RowReader) -> QuerySet[Any]:
        source = self.read_source()
        if source is not None:
            return reader.values_kept(source, self.sparse_relations)
        rows: QuerySet[Any] = super().get_rows(reader)  # type: ignore[misc]
        return rows


class TrackerViewSet(
    IdempotentCreateMixin,
    CachedReadMixin,
    FacetsMixin,
    ReadQuerysetMixin,
    ConditionalWriteMixin,
    CsvExportMixin,
    RowReadMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
):
    """Read and write, with ETags, preconditions, idempotent creates, facets, CSV and an export."""

    cursor_paging = True
    lookup_value_regex = ID_PATTERN


class TrackerReadOnlyViewSet(
    CachedReadMixin,
    FacetsMixin,
    ReadQuerysetMixin,
    ConditionalRequestMixin,
    CsvExportMixin,
    RowReadMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
):
    """Read only, with ETags, facets, CSV and a streaming export."""

    cursor_paging = True
    lookup_value_regex = ID_PATTERN
