"""Analysts' views that are not plain resources: matrix, statistics, data quality."""

from __future__ import annotations

from django.urls import URLPattern, path

from responses.api.analysis import EventMatrixView, FollowThroughView
from responses.api.quality import QualityReportView

urlpatterns: list[URLPattern] = [
    path("events/<slug:slug>/matrix/", EventMatrixView.as_view(), name="event-matrix"),
    path("stats/follow-through/", FollowThroughView.as_view(), name="follow-through"),
    path("quality/", QualityReportView.as_view(), name="quality"),
]
