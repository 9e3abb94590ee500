"""The actors app's API routes (included under /api/v1/ by tracker/api/urls.py)."""

from __future__ import annotations

from actors.api.views import ActorViewSet, MembershipViewSet
from tracker.api.routers import AppRouter

router = AppRouter()
router.register("actors", ActorViewSet)
router.register("memberships", MembershipViewSet)

urlpatterns = router.urls
