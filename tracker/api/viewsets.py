"""The viewset bases every resource uses."""

from __future__ import annotations

from rest_framework import mixins

from tracker.api.conditional import ConditionalRequestMixin, ConditionalWriteMixin
from tracker.api.export import CsvExportMixin


class TrackerViewSet(
    ConditionalWriteMixin,
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
    ConditionalRequestMixin, CsvExportMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin
):
    """Read only, with ETags, CSV and a streaming export."""

    cursor_paging = True
