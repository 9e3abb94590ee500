"""The webhooks app's API routes (included under /api/v1/ by tracker/api/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from tracker.api.routers import AppRouter
from webhooks.api.views import DeliveryViewSet, SubscriptionViewSet

router = AppRouter()
router.register("subscriptions", SubscriptionViewSet)
router.register("deliveries", DeliveryViewSet)

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
