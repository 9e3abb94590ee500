"""The viewset bases every resource uses."""

from __future__ import annotations

from rest_framework import mixins

from idempotency.replay import IdempotentCreateMixin
from tracker.api.conditional import ConditionalRequestMixin, ConditionalWriteMixin
from tracker.api.export import CsvExportMixin

# Ids are positive 64-bit integers: a longer number is no record (404), never
# an overflow in the database.
ID_PATTERN = "[0-9]{1,18}"


class TrackerViewSet(
    IdempotentCreateMixin,
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
    ConditionalRequestMixin, CsvExportMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin
):
    """Read only, with ETags, CSV and a streaming export."""

    cursor_paging = True
    lookup_value_regex = ID_PATTERN
