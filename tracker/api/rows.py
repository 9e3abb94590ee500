"""Lists and details read as rows (``.values()``), shown exactly as their serializers show them.

Read as model instances, a page of 100 positions builds some 500 of them
(each position and its four briefs), and every request builds its
serializers' fields again: together about half the time of the page. So a
resource's serializer is read once, at first use, into a ``Shape``: which
columns each of its fields shows and how. A page is then one ``.values()``
query, plus one query per to-many relation, and every value goes through
the serializer's own field (dates, choices, URLs), so the JSON is the same.

Where a serializer has a field that a row cannot give (a method, a dotted
source, a to-many relation inside a nested record), there is no shape and
the resource reads through its serializer. tests/test_rows.py compares
every resource's answers with its serializer's.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.fields import BriefManyRelatedField, BriefRelatedField, IdentityField, key_in_path
from tracker.api.pagination import LimitOffsetPagination

# The renderers that show the data as it is (JSON, and the browsable API).
ROW_FORMATS = frozenset({"json", "api"})


class NoShape(Exception):
    """The serializer shows something a row cannot give."""


class Reading:
    """What showing rows needs for one request: the request, URLs' parts, fetched relations."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.paths: dict[int, tuple[str, str]] = {}
        self.related: dict[str, dict[Any, list[dict[str, Any]]]] = {}

    def url(self, field: IdentityField, key: Any) -> str:
        around = self.paths.get(id(field))
        if around is None:
            around = self.paths[id(field)] = field.path_around_key(self.request)
        return around[0] + key_in_path(key) + around[1]


class Part:
    """One field of a shape: the columns it reads, and what it shows for a row."""

    def __init__(self, name: str) -> None:
        self.name = name

    def columns(self) -> list[str]:
        raise NotImplementedError

    def show(self, row: dict[str, Any], reading: Reading) -> Any:
        raise NotImplementedError


class Column(Part):
    """A field that shows one column."""

    def __init__(self, name: str, column: str, field: serializers.Field) -> None:
        super().__init__(name)
        self.column = column
        self.field = field

    def columns(self) -> list[str]:
        return [self.column]


class Plain(Column):
    """A column, shown by the serializer's field (None stays None, as DRF does)."""

    def show(self, row: dict[str, Any], reading: Reading) -> Any:
        value = row[self.column]
        return None if value is None else self.field.to_representation(value)


class Url(Column):
    """The record's own URL, from its key (``field`` is an IdentityField)."""

    def show(self, row: dict[str, Any], reading: Reading) -> Any:
        assert isinstance(self.field, IdentityField)
        return reading.url(self.field, row[self.column])


class Brief(Part):
    """A record a foreign key names, read in the same row (a join), or None."""

    def __init__(self, name: str, column: str, shape: Shape) -> None:
        super().__init__(name)
        self.column = column
        self.shape = shape

    def columns(self) -> list[str]:
        return [self.column, *self.shape.columns()]

    def show(self, row: dict[str, Any], reading: Reading) -> Any:
        return None if row[self.column] is None else self.shape.show(row, reading)


class ToMany(Part):
    """Records related to many: one query for the whole page, grouped by the record's key."""

    def __init__(
        self, name: str, rows: QuerySet, key: str, shape: Shape, joined: Joined | None = None
    ) -> None:
        super().__init__(name)
        # Built once: a request only adds the keys of its page.
        self.rows = rows.values(key, *shape.columns())
        self.key = key
        self.shape = shape
        self.joined = joined

    def columns(self) -> list[str]:
        return []

    def flag(self) -> str:
        """The name of a detail row's column that says whether the record has any."""
        return f"has_{self.name}"

    def any_of_record(self) -> Exists:
        return Exists(self.rows.filter(**{self.key: OuterRef("pk")}))

    def fetch(self, keys: list[Any]) -> dict[Any, list[dict[str, Any]]]:
        found: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows.filter(**{f"{self.key}__in": keys}):
            found[row[self.key]].append(row)
        return found

    def show(self, row: dict[str, Any], reading: Reading) -> Any:
        related = reading.related[self.name].get(row["pk"], ())
        return [self.shape.show(item, reading) for item in related]


class Joined:
    """A many-to-many relation read in the record's own query, as a join from the record.

    A detail with one such relation is then one query, not two: a row per
    related record (or one row of nulls for none), each row carrying the
    record's columns too. ``items`` gives the related records' columns the
    names the relation's own query gives them, so they are shown alike.
    """

    def __init__(self, relation: Any, link_prefix: str, shape: Shape) -> None:
        prefix = f"{relation.name}__"
        self.key = f"{prefix}pk"
        self.renamed = {
            prefix + column.removeprefix(link_prefix): column for column in shape.columns()
        }
        self.ordering = ordered_under(relation.related_model, prefix)

    def columns(self) -> list[str]:
        return [self.key, *self.renamed]

    def items(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {theirs: row[ours] for ours, theirs in self.renamed.items()}
            for row in rows
            if row[self.key] is not None
        ]


def source_of(field: serializers.Field) -> str:
    """The attribute a bound field reads ("" for none); DRF's stubs also allow a callable."""
    return field.source if isinstance(field.source, str) else ""


def ordered_under(model: type[Model], prefix: str) -> list[str]:
    """``model``'s default ordering, then its key, as seen from a relation named by ``prefix``."""
    ordering = []
    for term in [*(model._meta.ordering or ()), "pk"]:
        if not isinstance(term, str):
            raise NoShape(f"{model.__name__} is ordered by an expression")
        descending = term.startswith("-")
        ordering.append(("-" if descending else "") + prefix + term.removeprefix("-"))
    return ordering


class Shape:
    """How a serializer shows a row: one part per field, columns under ``prefix``."""

    def __init__(self, serializer: serializers.Serializer, prefix: str = "") -> None:
        meta = getattr(serializer, "Meta", None)
        if meta is None:
            raise NoShape(f"{type(serializer).__name__} has no model")
        self.model: type[Model] = meta.model
        self.prefix = prefix
        self.parts = [self.part(name, field) for name, field in serializer.fields.items()]

    def part(self, name: str, field: serializers.Field) -> Part:
        source = source_of(field)
        if isinstance(field, IdentityField):
            return Url(name, self.prefix + field.lookup_field, field)
        if isinstance(field, BriefManyRelatedField):
            return self.many_briefs(name, field)
        if isinstance(field, serializers.ListSerializer):
            return self.nested_records(name, field)
        if not source or "." in source or source == "*":
            raise NoShape(f"{name} is not a column")
        try:
            model_field = self.model._meta.get_field(source)
        except FieldDoesNotExist:
            raise NoShape(f"{name} reads {source}, not a column") from None
        if isinstance(field, BriefRelatedField):
            if not (model_field.many_to_one or model_field.one_to_one) or not model_field.concrete:
                raise NoShape(f"{name} is not a foreign key")
            brief = field.brief()
            return Brief(name, self.prefix + source, Shape(brief, f"{self.prefix}{source}__"))
        if model_field.is_relation or not model_field.concrete:
            raise NoShape(f"{name} is not a plain column")
        return Plain(name, self.prefix + source, field)

    def many_briefs(self, name: str, field: BriefManyRelatedField) -> Part:
        relation: Any = self.model._meta.get_field(source_of(field))
        if self.prefix or not relation.many_to_many or not relation.concrete:
            raise NoShape(f"{name} is not a many-to-many field of the record")
        child = field.child_relation
        assert isinstance(child, BriefRelatedField)
        # Straight from the link table, in the order the brief's model sorts.
        own, other = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        shape = Shape(child.brief(), f"{other}__")
        links = relation.remote_field.through._default_manager.order_by(
            *ordered_under(relation.related_model, f"{other}__")
        )
        joined = Joined(relation, f"{other}__", shape)
        return ToMany(name, links, own, shape, joined)

    def nested_records(self, name: str, field: serializers.ListSerializer) -> Part:
        try:
            relation: Any = self.model._meta.get_field(source_of(field))
        except FieldDoesNotExist:
            raise NoShape(f"{name} reads {field.source}, not a relation") from None
        if self.prefix or not relation.one_to_many:
            raise NoShape(f"{name} is not a list of records pointing at the record")
        child = field.child
        if not isinstance(child, serializers.Serializer):
            raise NoShape(f"{name} is not a list of records")
        shape = Shape(child)
        if any(isinstance(part, ToMany) for part in shape.parts):
            raise NoShape(f"{name} holds records related to many")
        model = relation.related_model
        records = model._default_manager.order_by(*ordered_under(model, ""))
        return ToMany(name, records, relation.field.name, shape)

    def columns(self) -> list[str]:
        return [column for part in self.parts for column in part.columns()]

    def show(self, row: dict[str, Any], reading: Reading) -> dict[str, Any]:
        return {part.name: part.show(row, reading) for part in self.parts}


class RowReader:
    """Reads a resource's rows for its serializer's shape, and shows them."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.to_many = [part for part in shape.parts if isinstance(part, ToMany)]
        self.kept: dict[tuple[int, frozenset[str]], tuple[QuerySet, QuerySet]] = {}

    def values(self, queryset: QuerySet) -> QuerySet:
        # The rows carry their key, for the to-many relations and the sync cursor.
        columns = dict.fromkeys(["pk", *self.shape.columns()])
        return queryset.prefetch_related(None).values(*columns)

    def joined(self, sparse: frozenset[str]) -> tuple[str, Joined] | None:
        """The to-many relation a detail reads in its own query (its only one not
        ``sparse``, when that one can be joined), by name."""
        dense = [part for part in self.to_many if part.name not in sparse]
        if len(dense) == 1 and dense[0].joined is not None:
            return dense[0].name, dense[0].joined
        return None

    def detail_values(self, queryset: QuerySet, sparse: frozenset[str]) -> QuerySet:
        """A detail's rows: ``values(queryset)``, whether the record has any of each
        ``sparse`` relation, and the relation ``joined(sparse)`` names, joined.

        ``show_detail`` then skips the query of a relation the record has none of.
        """
        flags = {part.flag(): part.any_of_record() for part in self.to_many if part.name in sparse}
        columns = ["pk", *self.shape.columns()]
        joined = self.joined(sparse)
        if joined is not None:
            columns += joined[1].columns()
        return queryset.prefetch_related(None).values(*dict.fromkeys(columns)).annotate(**flags)

    def detail_rows(self, rows: QuerySet, sparse: frozenset[str]) -> list[dict[str, Any]]:
        """The rows of the record ``rows`` holds, its joined related records in their order."""
        joined = self.joined(sparse)
        return list(rows.order_by(*(joined[1].ordering if joined else ())))

    def values_kept(self, queryset: QuerySet, sparse: frozenset[str]) -> QuerySet:
        """``detail_values()`` of a queryset that lives as long as the process.

        values() works out the joins of every column, which for a detail takes
        about as long as running its query. A class's ``read_queryset`` never
        changes, so its rows are worked out once; each request starts from a copy.
        """
        key = (id(queryset), sparse)
        kept = self.kept.get(key)
        if kept is None:
            # Holding the queryset keeps its id from being given to another.
            kept = self.kept[key] = (queryset, self.detail_values(queryset, sparse))
        return kept[1].all()

    def show(self, rows: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
        reading = Reading(request)
        keys = [row["pk"] for row in rows]
        for part in self.to_many:
            wanted = any(row.get(part.flag(), True) for row in rows)
            reading.related[part.name] = part.fetch(keys) if wanted else {}
        return [self.shape.show(row, reading) for row in rows]

    def show_detail(
        self, rows: list[dict[str, Any]], request: Request, sparse: frozenset[str]
    ) -> dict[str, Any]:
        """A record from its ``detail_values`` rows: one, or one per joined related record."""
        record = rows[0]
        joined = self.joined(sparse)
        reading = Reading(request)
        for part in self.to_many:
            if joined is not None and part.name == joined[0]:
                reading.related[part.name] = {record["pk"]: joined[1].items(rows)}
            elif record.get(part.flag(), True):
                reading.related[part.name] = part.fetch([record["pk"]])
            else:
                reading.related[part.name] = {}
        return self.shape.show(record, reading)


# Each serializer class's reader, worked out at first use (None: no shape).
READERS: dict[type, RowReader | None] = {}


def reader_for(serializer_class: type[serializers.BaseSerializer]) -> RowReader | None:
    """The reader of ``serializer_class``'s rows, or None when it has no shape."""
    if serializer_class not in READERS:
        serializer = serializer_class()
        try:
            if not isinstance(serializer, serializers.Serializer):
                raise NoShape(f"{serializer_class.__name__} shows no fields")
            READERS[serializer_class] = RowReader(Shape(serializer))
        except NoShape:
            READERS[serializer_class] = None
    return READERS[serializer_class]


class RowReadMixin(viewsets.GenericViewSet):
    """``list`` and ``retrieve`` read rows when the serializer has a shape (see the module)."""

    # To-many fields that most records have none of. A detail asks in its own
    # query whether the record has any, and skips their query when it has none;
    # where most records have some, asking costs more than it saves.
    sparse_relations: ClassVar[frozenset[str]] = frozenset()

    def row_reader(self) -> RowReader | None:
        renderer = getattr(self.request, "accepted_renderer", None)
        # A format suffix (.json) makes URLs carry it; the serializer's fields do that.
        if self.format_kwarg or getattr(renderer, "format", None) not in ROW_FORMATS:
            return None
        return reader_for(self.get_serializer_class())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reader = self.row_reader()
        paginator = self.paginator
        if reader is None or not isinstance(paginator, LimitOffsetPagination | None):
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = self.filter_queryset(self.get_queryset())
        if paginator is None:
            return Response(reader.show(list(reader.values(queryset)), request))
        # Counted on the queryset: the rows' joins would make the count read them too.
        page = paginator.paginate_queryset(queryset, request, self, rows=reader.values)
        assert page is not None
        return self.get_paginated_response(reader.show(page, request))

    def get_rows(self, reader: RowReader) -> QuerySet:
        """The rows a detail is looked up in: ``get_queryset()``'s, as values."""
        return reader.detail_values(self.get_queryset(), self.sparse_relations)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reader = self.row_reader()
        if reader is None:
            return super().retrieve(request, *args, **kwargs)  # type: ignore[misc]
        # As GenericAPIView.get_object does it, on rows.
        rows = self.filter_queryset(self.get_rows(reader))
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        try:
            rows = rows.filter(**{self.lookup_field: self.kwargs[lookup_url_kwarg]})
            found = reader.detail_rows(rows, self.sparse_relations)
        except (TypeError, ValueError, ValidationError):
            # A key of the wrong type finds nothing, as with DRF's get_object_or_404.
            raise Http404 from None
        if not found:
            raise Http404
        self.check_object_permissions(request, found[0])
        return Response(reader.show_detail(found, request, self.sparse_relations))
