"""Timelines of an actor and of a conflict."""

from __future__ import annotations

from django.urls import URLPattern, path

from responses.api.timelines import ActorTimelineView, ConflictTimelineView

urlpatterns: list[URLPattern] = [
    path("actors/<slug:slug>/timeline/", ActorTimelineView.as_view(), name="actor-timeline"),
    path(
        "conflicts/<slug:slug>/timeline/",
        ConflictTimelineView.as_view(),
        name="conflict-timeline",
    ),
]
