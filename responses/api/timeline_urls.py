"""Timelines of an actor and of a conflict."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
