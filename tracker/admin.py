"""Admin bases shared by the apps.

Saved filters are an app of their own: a model admin adds
``savedfilters.admin.SavedFiltersMixin`` to these bases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from tracker.imports import IMPORT_EXPORT_FORMATS


class SlugListFilter(admin.FieldListFilter):
    """A foreign key to records with slugs, filtered by a slug typed in a box.

    Django's related filters list every record that is referred to: at
    20,000 actors that made the positions changelist 1.7 MB, and finding
    the list took two DISTINCT scans of every position.
    """

    template = "admin/slug_filter.html"

    def __init__(self, field: Any, request: HttpRequest, params: Any, *args: Any, **kwargs: Any):
        # ?actor=european-union, as the API says it (and a name the admin's
        # lookup check lets through, unlike actor__slug).
        self.parameter = kwargs["field_path"]
        super().__init__(field, request, params, *args, **kwargs)
        value = self.used_parameters.get(self.parameter) or [""]
        self.typed = value[-1] if isinstance(value, list) else value
        # What the box's form sends along, so that the other filters stay.
        self.kept_parameters = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in (self.parameter, "p")
            for value in values
        ]

    def expected_parameters(self) -> list[str | None]:
        return [self.parameter]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.typed:
            return queryset
        return queryset.filter(**{f"{self.parameter}__slug": self.typed})

    def choices(self, changelist: Any) -> Iterator[Any]:
        yield {
            "selected": not self.typed,
            "query_string": changelist.get_query_string(remove=[self.parameter]),
            "display": _("All"),
        }


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
