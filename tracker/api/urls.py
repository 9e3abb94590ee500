"""The versioned API: every resource under /api/v1/, namespaced "api"."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from actors.api.views import ActorViewSet, MembershipViewSet
from responses.api.changes import ChangeFeedViewSet
from responses.api.views import (
    ConflictViewSet,
    EventViewSet,
    MeasureViewSet,
    PositionViewSet,
    SourceViewSet,
    StatusChangeViewSet,
)

app_name = "api"

router = DefaultRouter()
router.register("actors", ActorViewSet)
router.register("memberships", MembershipViewSet)
router.register("conflicts", ConflictViewSet)
router.register("events", EventViewSet)
router.register("positions", PositionViewSet)
router.register("measures", MeasureViewSet)
router.register("status-changes", StatusChangeViewSet, basename="status-change")
router.register("sources", SourceViewSet)
router.register("changes", ChangeFeedViewSet, basename="change")

urlpatterns = [
    path("api/v1/", include("responses.api.analysis_urls")),
    path("api/v1/", include("responses.api.timeline_urls")),
    path("api/v1/", include(router.urls)),
]
