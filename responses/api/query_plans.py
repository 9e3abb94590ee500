"""The lists whose query plans ``check_query_plans`` checks: those that grow to millions of rows."""

from __future__ import annotations

from typing import Any

from responses.api.views import EventViewSet, MeasureViewSet, PositionViewSet


def big_list_viewsets() -> dict[str, Any]:
    """Each big list's viewset, by resource name, for ``tracker.query_plans.check``."""
    return {"positions": PositionViewSet, "events": EventViewSet, "measures": MeasureViewSet}
