"""Saved filters in the admin: the mixin that shows and saves a list's filters, and their own list.

An app's model admin takes ``SavedFiltersMixin`` first among its bases.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from savedfilters.models import SavedFilter

# Paging is not part of what a filter selects.
NOT_SAVED = frozenset({"p", "_changelist_filters"})


def can_save_filters(request: HttpRequest) -> bool:
    """Saving a list's filters writes a saved filter, and shared ones reach every curator."""
    return request.user.has_perm("savedfilters.add_savedfilter")


class SavedFiltersMixin(admin.ModelAdmin):
    """Shows a list's saved filters above it, and a form to save the current ones."""

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "saved-filters/",
                self.admin_site.admin_view(require_POST(self.save_filters_view)),
                name="{}_{}_save_filters".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if not isinstance(response, TemplateResponse) or response.context_data is None:
            return response  # a redirect, or an action's own page
        query = request.GET.copy()
        for name in NOT_SAVED:
            query.pop(name, None)
        # Wrap whichever list template the admin chose (import/export adds its own).
        base = response.template_name
        base_name = (
            base if isinstance(base, str) else select_template(list(base)).template.name  # type: ignore[arg-type]
        )
        response.context_data.update(
            {
                "base_change_list": base_name,
                "saved_filters": SavedFilter.objects.filter(
                    Q(owner=request.user) | Q(owner=None),
                    content_type=ContentType.objects.get_for_model(self.model),
                ),
                "current_query": query.urlencode(),
                "can_save_filters": can_save_filters(request),
                "save_filter_url": reverse(
                    f"{self.admin_site.name}:{self.opts.app_label}_"
                    f"{self.opts.model_name}_save_filters"
                ),
            }
        )
        response.template_name = "admin/change_list_with_saved_filters.html"
        return response

    def save_filters_view(self, request: HttpRequest) -> HttpResponse:
        changelist = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )
        if not self.has_view_permission(request) or not can_save_filters(request):
            raise PermissionDenied
        name = request.POST.get("name", "").strip()[:100]
        query = request.POST.get("query", "").lstrip("?")
        if not name or not query:
            self.message_user(request, "Give the filters a name.", messages.ERROR)
            return HttpResponseRedirect(f"{changelist}?{query}")
        content_type = ContentType.objects.get_for_model(self.model)
        owner = None if request.POST.get("shared") else request.user
        assert owner is None or owner.is_authenticated  # admin views require a login
        # Shared filters have no owner, and NULLs never clash in a unique index.
        taken = SavedFilter.objects.filter(content_type=content_type, owner=owner, name=name)
        try:
            if taken.exists():
                raise IntegrityError(name)
            SavedFilter.objects.create(
                name=name, query=query, content_type=content_type, owner=owner
            )
        except IntegrityError:
            self.message_user(request, f'"{name}" is already saved here.', messages.ERROR)
        else:
            self.message_user(request, f'Saved the filters as "{name}".', messages.SUCCESS)
        return HttpResponseRedirect(f"{changelist}?{query}")


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
