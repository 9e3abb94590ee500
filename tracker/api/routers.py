"""The pieces each app's ``api/urls.py`` is built from, and the root of /api/v1/."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import APIRootView, SimpleRouter
from rest_framework.urlpatterns import format_suffix_patterns


class AppRouter(SimpleRouter):
    """An app's resources, with the format suffixes (``.json``) DRF's DefaultRouter adds."""

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return format_suffix_patterns(super().get_urls())


def routers(apps: Iterable[tuple[Any, str | None, str | None]]) -> list[SimpleRouter]:
    """The ``router`` of each app's ``api/urls.py`` (the ``include()`` of each)."""
    return [urlconf.router for urlconf, _app_name, _namespace in apps]


def api_root(apps: Iterable[tuple[Any, str | None, str | None]]) -> list[URLPattern | URLResolver]:
    """/api/v1/ (and its format suffixes): a link to every resource's list, in order.

    ``apps`` are the ``include()`` of each app's ``api/urls.py``, whose ``router``
    registers its resources: the root lists them as DefaultRouter's root would.
    """
    api_root_dict = {}
    for router in routers(apps):
        list_name = router.routes[0].name
        for prefix, _viewset, basename in router.registry:
            api_root_dict[prefix] = list_name.format(basename=basename)
    root = APIRootView.as_view(api_root_dict=api_root_dict)
    return format_suffix_patterns([path("", root, name="api-root")])
