from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from responses.models import SavedFilter


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    """Where curators rename or delete the filters they saved on a list."""

    list_display = ("name", "content_type", "owner", "created_at")
    list_filter = ("content_type",)
    search_fields = ("name",)
    fields = ("name", "content_type", "query", "owner")
    readonly_fields = ("content_type", "query", "owner")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # saved from a list, where the filters are

    def get_queryset(self, request: HttpRequest) -> QuerySet[SavedFilter]:
        queryset = super().get_queryset(request).select_related("content_type", "owner")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(Q(owner=request.user) | Q(owner=None))
