"""The filter base every list shares."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(filters.ModelMultipleChoiceFilter):
    """Filter on a relation by one or more slugs (``?actor=a&actor=b``).

    An unknown slug is a 400 naming the parameter, not an empty list.
    """

    def __init__(self, relation: str, queryset: QuerySet, help_text: str, **kwargs: Any) -> None:
        # Filtering on `<relation>__slug` makes django-filter compare slugs, not ids.
        super().__init__(
            field_name=f"{relation}__slug",
            to_field_name="slug",
            queryset=queryset,
            help_text=help_text,
            **kwargs,
        )


class BaseFilterSet(filters.FilterSet):
    """Gives every list a ``q`` search over the fields named in ``search_fields``."""

    search_fields: ClassVar[tuple[str, ...]] = ()

    q = filters.CharFilter(
        method="search",
        label="Search",
        help_text="Case-insensitive text search over names, titles, summaries and quotes.",
    )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
