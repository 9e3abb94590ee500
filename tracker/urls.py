from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from tracker.api.health import health

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:api-root", permanent=False)),
    path("", include("tracker.api.urls")),
    # Pages for analysts: an event's responses, an actor's record, follow-through.
    path("", include("pages.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("healthz", health, name="health"),
    path("api-auth/", include("rest_framework.urls")),
]

# Errors that never reach DRF (an unmatched URL, say) keep the API's JSON shape.
handler400 = "tracker.api.error_views.bad_request"
handler403 = "tracker.api.error_views.permission_denied"
handler404 = "tracker.api.error_views.not_found"
handler500 = "tracker.api.error_views.server_error"
