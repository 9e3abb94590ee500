"""Admin bases shared by the apps.

Saved filters are an app of their own: a model admin adds
``savedfilters.admin.SavedFiltersMixin`` to these bases.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from tracker.api.pagination import count_rows
from tracker.imports import IMPORT_EXPORT_FORMATS
from tracker.search import every_term_matches, search, uses_postgres


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


class YearListFilter(admin.FieldListFilter):
    """A date column narrowed to one year, ``?stated_on__year=2025`` as the
    date hierarchy spelled it, so saved filters and links still work.

    The date hierarchy lists the distinct years of the rows: a scan of every
    row (260 ms over a million positions on PostgreSQL; on SQLite each date
    goes through a Python function). The first and last dates come from the
    column's index instead, and every year between them is offered.
    """

    def __init__(self, field: Any, request: HttpRequest, params: Any, *args: Any, **kwargs: Any):
        self.parameter = f"{kwargs['field_path']}__year"
        super().__init__(field, request, params, *args, **kwargs)
        value = self.used_parameters.get(self.parameter) or [""]
        self.selected = str(value[-1] if isinstance(value, list) else value)
        dates = field.model._default_manager.filter(**{f"{field.name}__isnull": False})
        dates = dates.values_list(field.name, flat=True)
        # Two queries: SQLite reads MIN and MAX from an index only one at a time.
        first = dates.order_by(field.name).first()
        last = dates.order_by(f"-{field.name}").first()
        self.years = [] if first is None or last is None else range(last.year, first.year - 1, -1)

    def expected_parameters(self) -> list[str | None]:
        return [self.parameter]

    def choices(self, changelist: Any) -> Iterator[Any]:
        yield {
            "selected": not self.selected,
            "query_string": changelist.get_query_string(remove=[self.parameter]),
            "display": _("All"),
        }
        for year in self.years:
            yield {
                "selected": self.selected == str(year),
                "query_string": changelist.get_query_string({self.parameter: year}),
                "display": str(year),
            }


class CappedCountPaginator(Paginator):
    """Counts as the API does: exact up to ``API_EXACT_COUNT_LIMIT`` rows,
    PostgreSQL's estimate beyond (a million positions take 55 ms to count).

    A page of a queryset is found by its keys first, then read whole: sorting
    the tens of thousands of positions a common word matches by key alone
    takes SQLite half the time it takes with every column of the list's joins.
    """

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return count_rows(self.object_list)
        return super().count

    def page(self, number: Any) -> Page:
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # Still a queryset, in the list's order: the changelist's editable
        # rows are a formset over it.
        return Page(self.object_list.filter(pk__in=keys), number, self)


# The prefixes of ModelAdmin.search_fields.
LOOKUPS = {"^": "istartswith", "=": "iexact", "@": "icontains"}


class LargeTableAdmin(admin.ModelAdmin):
    """A list of a table that grows to hundreds of thousands of rows.

    One count, capped (``CappedCountPaginator``), instead of two full ones.
    On PostgreSQL the search box is the API's full-text ``q`` (the model's
    ``search_document``, through its GIN index). Elsewhere, and in the
    autocomplete boxes (which match what is typed so far, not whole words),
    each word is looked for in ``search_fields``; fields of related records
    are matched in their own, smaller tables.
    """

    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        if not search_term.strip():
            return queryset, False
        match = request.resolver_match
        autocomplete = match is not None and match.url_name == "autocomplete"
        document = getattr(self.model, "search_document", None)
        if document is not None and not autocomplete and uses_postgres(queryset):
            return search(queryset, search_term), False
        fields = [
            (path.lstrip("^=@"), LOOKUPS.get(path[0], "icontains"))
            for path in self.get_search_fields(request)
        ]
        queryset = queryset.filter(every_term_matches(self.model, fields, search_term))
        return queryset, any(lookup_spawns_duplicates(self.opts, path) for path, lookup in fields)


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
