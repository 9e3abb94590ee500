"""Admin for sources, which refuses to delete a source that is still cited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from responses.models import Source
from responses.resources import SourceResource
from savedfilters.admin import SavedFiltersMixin
from tracker.admin import CuratedAdmin, LargeTableAdmin, YearListFilter

TIMESTAMPS = ("created_at", "updated_at")


@admin.register(Source)
class SourceAdmin(SavedFiltersMixin, LargeTableAdmin, CuratedAdmin):
    resource_classes = (SourceResource,)
    list_display = ("title", "kind", "publisher", "published_on", "language", "url")
    list_filter = (("published_on", YearListFilter), "kind", "language")
    # On PostgreSQL the search reads the excerpt too (search_document).
    search_fields = ("title", "publisher")
    search_help_text = "Search by title or publisher (on PostgreSQL, also the excerpt)."
    # A pasted address without a scheme is read as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("kind", "title", "publisher", "url", "published_on", "language")}),
        ("Content", {"fields": ("excerpt",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )

    def get_deleted_objects(
        self, objs: Sequence[Source] | QuerySet[Source], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        # Citations are many-to-many links the database would drop silently,
        # so the records that cite a source are reported as protecting it:
        # the confirmation page then refuses, for one source or a selection.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for source in objs:
            protected.extend(self._describe_citation(record) for record in source.citing_records())
        return deleted, model_count, perms_needed, protected

    # The confirmation page already refuses while anything cites the source;
    # these two guard the delete itself against a citation added since, and
    # refuse outright, since Django has logged the deletion by then.
    def delete_model(self, request: HttpRequest, obj: Source) -> None:
        self._refuse_if_cited([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        self._refuse_if_cited(queryset)
        super().delete_queryset(request, queryset)

    def _refuse_if_cited(self, sources: Iterable[Source]) -> None:
        cited = [f"“{source}”" for source in sources if source.citing_records()]
        if cited:
            raise PermissionDenied(f"Still cited, so not deleted: {', '.join(cited)}.")

    def _describe_citation(self, record: models.Model) -> str:
        label = f"{capfirst(record._meta.verbose_name)} citing this source"
        try:
            url = reverse(
                f"{self.admin_site.name}:{record._meta.app_label}_{record._meta.model_name}_change",
                args=(quote(record.pk),),
            )
        except NoReverseMatch:
            return f"{label}: {record}"
        return format_html('{}: <a href="{}">{}</a>', label, url, record)
