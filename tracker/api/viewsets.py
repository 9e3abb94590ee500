"""The viewset bases every resource uses."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import mixins
from rest_framework.generics import GenericAPIView

from idempotency.replay import IdempotentCreateMixin
from tracker.api.caching import CachedReadMixin
from tracker.api.compiled import KeyedRead, keyed_read
from tracker.api.conditional import ConditionalRequestMixin, ConditionalWriteMixin
from tracker.api.export import CsvExportMixin
from tracker.api.records import Record, as_records, readable_as_records

# Ids are positive 64-bit integers: a longer number is no record (404), never
# an overflow in the database.
ID_PATTERN = "[0-9]{1,18}"
# Set on the queryset ReadQuerysetMixin.get_queryset gives for a detail.
PLAIN_READ = "_plain_read"


def read_object(view: GenericAPIView, read: KeyedRead) -> Record:
    """The view's object read by compiled SQL, with DRF's 404 and object permissions."""
    record = read.get(view.kwargs[view.lookup_url_kwarg or view.lookup_field])
    if record is None:
        raise Http404
    view.check_object_permissions(view.request, record)
    return record


class ReadQuerysetMixin:
    """Lists and details read ``read_queryset``: the same rows, only the columns shown.

    Writes keep the full ``queryset``: validation may look at any field. JSON
    lists read the rows as plain records, and JSON details read one by SQL
    compiled once (``get_object``) unless ``get_queryset`` changed the read.
    """

    read_queryset: ClassVar[QuerySet[Any] | None] = None
    read_actions: ClassVar[frozenset[str]] = frozenset({"list", "retrieve"})

    def get_queryset(self) -> QuerySet[Any]:
        queryset: QuerySet[Any] = super().get_queryset()  # type: ignore[misc]
        action = getattr(self, "action", None)
        if self.read_queryset is None or action not in self.read_actions:
            return queryset
        if action == "list" and self._renders_json() and self._reads_records():
            # A list only reads attributes: plain records cost less than model
            # instances (tracker.api.records).
            return as_records(self.read_queryset)
        # A fresh clone each time, as GenericAPIView does with ``queryset``.
        queryset = self.read_queryset.all()
        # Marked as the plain read: a subclass that narrows it (filter()
        # clones) or returns another loses the mark, and get_object then reads
        # the DRF way rather than by ``read_queryset``'s compiled SQL.
        setattr(queryset, PLAIN_READ, True)
        return queryset

    def get_object(self) -> Any:
        """DRF's, but a JSON detail with no filter asked for reads a record by compiled SQL.

        The SQL of a detail differs only in the key (tracker.api.compiled).
        """
        read_queryset = self.read_queryset
        view: Any = self
        if (
            getattr(self, "action", None) != "retrieve"
            or read_queryset is None
            or not self._renders_json()
            or not self._reads_records()
        ):
            return super().get_object()  # type: ignore[misc]
        queryset = self.get_queryset()
        read = None
        # The filter backend hands back the very queryset when no filter is asked for.
        if getattr(queryset, PLAIN_READ, False) and view.filter_queryset(queryset) is queryset:
            read = keyed_read(type(self), read_queryset, view.lookup_field, queryset.db)
        if read is None:
            return super().get_object()  # type: ignore[misc]
        return read_object(view, read)

    @classmethod
    def _reads_records(cls) -> bool:
        """Whether ``read_queryset`` reads as records: a class's never changes, so asked once."""
        found: bool | None = cls.__dict__.get("_records_readable")
        if found is None:
            found = cls.read_queryset is not None and readable_as_records(cls.read_queryset)
            cls._records_readable = found  # type: ignore[attr-defined]
        return found

    def _renders_json(self) -> bool:
        request = getattr(self, "request", None)
        renderer = getattr(request, "accepted_renderer", None)
        return getattr(renderer, "format", None) == "json"


class TrackerViewSet(
    IdempotentCreateMixin,
    CachedReadMixin,
    ReadQuerysetMixin,
    ConditionalWriteMixin,
    CsvExportMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
):
    """Read and write, with ETags, preconditions, idempotent creates, CSV and an export."""

    cursor_paging = True
    lookup_value_regex = ID_PATTERN


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
    lookup_value_regex = ID_PATTERN
