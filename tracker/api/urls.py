"""The versioned API: every resource under /api/v1/, namespaced "api".

Each app owns its routes in its ``api/urls.py``; they are included here by
dotted name, so the project package imports no app.
"""

from __future__ import annotations

from django.urls import include, path

from tracker.api.routers import api_root

app_name = "api"

APPS = [include("actors.api.urls"), include("responses.api.urls"), include("webhooks.api.urls")]

urlpatterns = [
    *(path("api/v1/", routes) for routes in APPS),
    path("api/v1/", include(api_root(APPS))),
]
