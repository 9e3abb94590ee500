"""Admin bases shared by the apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from responses.models import SavedFilter
from tracker.imports import IMPORT_EXPORT_FORMATS

# Paging is not part of what a filter selects.
NOT_SAVED = frozenset({"p", "_changelist_filters"})


def can_save_filters(request: HttpRequest) -> bool:
    """Saving a list's filters writes a saved filter, and shared ones reach every curator."""
    return request.user.has_perm("responses.add_savedfilter")


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


class HistoryAdmin(SavedFiltersMixin, SimpleHistoryAdmin):
    """Shows each record's history (who, when, what changed) and can revert to a version."""

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # simple-history lets anyone who may read a version save it back: the
        # "view" page is also the revert form. Reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PermissionCheckedImportExport(ImportExportModelAdmin):
    """Import and export with the model permissions the API asks for.

    django-import-export lets any staff user import unless told otherwise. An
    import creates and updates rows, so it needs both the add and the change
    permission; an export is a read.
    """

    formats = IMPORT_EXPORT_FORMATS

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


class CuratedAdmin(PermissionCheckedImportExport, HistoryAdmin):
    """History, plus import (with a dry run) and export as CSV, JSON and XLSX."""


class ImportExportAdmin(SavedFiltersMixin, PermissionCheckedImportExport):
    """Import and export, for records that keep no history."""
