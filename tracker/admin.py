"""Admin bases shared by the apps.

Saved filters are an app of their own: a model admin adds
``savedfilters.admin.SavedFiltersMixin`` to these bases.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from tracker.imports import IMPORT_EXPORT_FORMATS


class HistoryAdmin(SimpleHistoryAdmin):
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


class ImportExportAdmin(ImportExportModelAdmin):
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


class CuratedAdmin(ImportExportAdmin, HistoryAdmin):
    """History, plus import (with a dry run) and export as CSV, JSON and XLSX."""
