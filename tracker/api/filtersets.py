"""The filter base every list shares."""

from __future__ import annotations

import copy
import datetime
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from tracker.api.facets import FacetsFilter, FacetSizeFilter
from tracker.api.fields import MAX_ID
from tracker.search import RELEVANCE, is_text_search
from tracker.search import search as full_text_search


def is_multi_valued(model: type[Model], path: str) -> bool:
    """Whether following ``path`` from ``model`` can reach several rows (and so repeat it)."""
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False  # a lookup or transform: the path ended
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation or not isinstance(field.related_model, type):
            return False
        model = field.related_model
    return False


class SlugsInput(forms.TextInput):
    """Slugs typed in a box, never a list of every record to pick from.

    A <select> of every actor and event made the browsable positions list an
    18.6 MB page at 20,000 actors and 200,000 events. The box shows the slugs
    asked for, separated by spaces; several in a box, or the parameter
    repeated (``?actor=a&actor=b``), ask for several. A slug holds neither a
    space nor a comma, so splitting on them never splits one.
    """

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name) or ""]
        return [slug for value in values for slug in str(value).replace(",", " ").split()]

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            return " ".join(str(item) for item in value) or None
        return super().format_value(value)


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(filters.ModelMultipleChoiceFilter):
    """Filter on a relation by one or more slugs (``?actor=a&actor=b``).

    An unknown slug is a 400 naming the parameter, not an empty list. The
    slugs are looked up once, then the rows are filtered by the records' ids
    (``actor_id IN (...)``: an index on the foreign key serves it, no join).
    """

    def __init__(self, relation: str, queryset: QuerySet, help_text: str, **kwargs: Any) -> None:
        self.relation = relation
        kwargs.setdefault("widget", SlugsInput)
        super().__init__(
            field_name=f"{relation}__slug",
            to_field_name="slug",
            queryset=queryset,
            help_text=help_text,
            **kwargs,
        )

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        # An absent parameter cleans to ``queryset.none()``: testing its truth
        # would compile it (an empty query, but still compiled, for each such
        # filter on every request).
        if value is None or (isinstance(value, QuerySet) and value.query.is_empty()):
            return qs
        records = list(value)
        if not records:
            return qs
        condition = {f"{self.relation}__in": records}
        if not self.distinct:
            return qs.filter(**condition)
        # A record reached through two of the slugs is still one row: a
        # semi-join (id IN (SELECT ...)) keeps it once without DISTINCT, which
        # PostgreSQL refuses beside an ORDER BY on an expression it does not
        # select (ordering=-relevance), and which would sort every row.
        matching = qs.model._default_manager.filter(**condition).values("pk")
        return qs.filter(pk__in=matching)


class CountryFilter(filters.CharFilter):
    """An ISO country code, any case: stored codes are capitals, so an exact match
    on the capitalised value finds them through the plain index."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in (None, ""):
            return qs
        return super().filter(qs, value.upper())


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    """A record's id: a whole number from 1 to 2**63 - 1, or a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class OrderingFilter(filters.OrderingFilter):
    """``ordering`` over named fields, plus ``relevance`` to rank the matches of ``q``.

    The primary key is always the last sort key, so pages never overlap.
    """

    def __init__(self, *names: str, ranked: bool = False) -> None:
        choices = [*names, "relevance"] if ranked else list(names)
        super().__init__(
            fields=tuple((name, name) for name in choices),
            help_text=(
                f"Sort by {', '.join(choices)}; prefix with - to reverse."
                + (
                    " -relevance ranks the best matches of q first (PostgreSQL); it reads"
                    " every match, so a common word ranks slowly."
                    if ranked
                    else ""
                )
            ),
        )

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        # Relevance exists only when q was given (on PostgreSQL).
        if not is_text_search(qs):
            ordering = [term for term in ordering if term.lstrip("-") != RELEVANCE]
        return qs.order_by(*ordering, "pk") if ordering else qs


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 timestamp, handed to the database in UTC.

    Python accepts offsets up to ±23:59 and PostgreSQL only up to ±15:59: a
    timestamp like 2026-01-01T00:00:00-23:43 is a valid instant, so it is
    converted rather than refused (it would otherwise be a database error).
    """

    def clean(self, value: Any) -> datetime.datetime | None:
        cleaned = super().clean(value)
        if cleaned is None:
            return None
        try:
            return cleaned.astimezone(datetime.UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is after the last representable year
            raise ValidationError(
                "Enter a timestamp between the years 1 and 9999.", "invalid"
            ) from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class FilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, which leaves the FilterSet out when no filter is asked for.

    Building a FilterSet and its form costs more than a detail request's own
    work, and with no filter parameter it filters nothing.
    """

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


def updated_since_filter() -> filters.IsoDateTimeFilter:
    return UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only records changed at or after this ISO 8601 timestamp.",
    )


class BaseFilterSet(filters.FilterSet):
    """Gives every list ``q``: full-text search (see tracker.search) or a plain match.

    Models with a ``search_document`` get full-text search on PostgreSQL;
    others match ``q`` against ``search_fields``.
    """

    search_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: QuerySet | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        # django-filter's own __init__, but for what it rebuilds on every
        # request: it deep-copies every filter (with its queryset), and its
        # form builds a new field per filter and a new form class. None of
        # them depends on the request here (no filter's queryset is a
        # callable), so the form class is built once per FilterSet class and
        # each request gets shallow copies of the filters to bind to itself.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.form_class = self.shared_form_class()
        self.filters = {name: copy.copy(declared) for name, declared in self.base_filters.items()}
        for declared in self.filters.values():
            declared.model = queryset.model
            declared.parent = self
            if declared.method is not None:
                # Its FilterMethod still points at the shared filter: make one
                # that finds the method on this FilterSet.
                declared.method = declared.method

    @classmethod
    def shared_form_class(cls) -> type[forms.Form]:
        form_class = cls.__dict__.get("_shared_form_class")
        if form_class is None:
            fields = {name: declared.field for name, declared in cls.base_filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._shared_form_class = form_class
        return form_class

    def get_form_class(self) -> type[forms.Form]:
        return self.form_class

    q = filters.CharFilter(
        method="search",
        label="Search",
        max_length=500,
        help_text=(
            "Text search over names, titles, summaries and quotes: every word must match; "
            '"quoted words" match as a phrase. Matches keep the list\'s ordering;'
            " ordering=-relevance ranks them (PostgreSQL)."
        ),
    )

    @classmethod
    def get_filters(cls) -> dict[str, filters.Filter]:
        # Copies: a declared filter is shared with the subclasses, and what is
        # set on it below depends on the class's model.
        found = {name: copy.deepcopy(each) for name, each in super().get_filters().items()}
        # A list with facets also takes how many groups each one lists.
        if any(isinstance(each, FacetsFilter) for each in found.values()):
            found["facet_size"] = FacetSizeFilter()
        model = cls._meta.model
        for name, filter_ in found.items():
            if callable(getattr(filter_, "queryset", None)):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{name}: a queryset built per request needs "
                    "django-filter's per-request form (see __init__)."
                )
            # django-filter makes multiple-choice filters DISTINCT by default;
            # on a path that cannot repeat a row, that only forces a sort or
            # hash of every match before the first page can be read.
            field_name = getattr(filter_, "field_name", None)
            relation = getattr(filter_, "relation", field_name)
            if model is not None and field_name and not is_multi_valued(model, str(relation)):
                filter_.distinct = False
            # django-filter labels a filter after its lookup path ("Actor
            # memberships organization slug"); the browsable API's filter form
            # reads better with the query parameter's own name ("Actor member of").
            # A class's filters have no model yet, so ``label`` is the declared one.
            if filter_.label is None:
                filter_.label = name.replace("_", " ").capitalize()
        return found

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if hasattr(queryset.model, "search_document"):
            return full_text_search(queryset, value)
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)
