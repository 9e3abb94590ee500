"""Analysts' views that are not plain resources: matrix and statistics."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
