"""The responses app's API routes (included under /api/v1/ by tracker/api/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from responses.api.analysis import EventMatrixView, FollowThroughView
from responses.api.changes import ChangeFeedViewSet
from responses.api.quality import QualityReportView
from responses.api.timelines import ActorTimelineView, ConflictTimelineView
from responses.api.views import (
    ConflictViewSet,
    EventViewSet,
    MeasureViewSet,
    PositionViewSet,
    SourceViewSet,
    StatusChangeViewSet,
)
from tracker.api.routers import AppRouter

router = AppRouter()
router.register("conflicts", ConflictViewSet)
router.register("events", EventViewSet)
router.register("positions", PositionViewSet)
router.register("measures", MeasureViewSet)
router.register("status-changes", StatusChangeViewSet, basename="status-change")
router.register("sources", SourceViewSet)
router.register("changes", ChangeFeedViewSet, basename="change")

urlpatterns: list[URLPattern | URLResolver] = [
    # Analysts' views that are not plain resources: matrix, statistics, data quality.
    path("events/<slug:slug>/matrix/", EventMatrixView.as_view(), name="event-matrix"),
    path("stats/follow-through/", FollowThroughView.as_view(), name="follow-through"),
    path("quality/", QualityReportView.as_view(), name="quality"),
    # Timelines of an actor and of a conflict.
    path("actors/<slug:slug>/timeline/", ActorTimelineView.as_view(), name="actor-timeline"),
    path(
        "conflicts/<slug:slug>/timeline/",
        ConflictTimelineView.as_view(),
        name="conflict-timeline",
    ),
    *router.urls,
]
