"""CSV for every list: the current page with ``?format=csv``, or every row with
``export/`` (CSV, or JSON Lines with ``?format=jsonl``).

Each viewset's columns come from its resource's declaration
(``tracker.declarations``): flat columns (``csv_columns``: header and ORM
path, read with ``values_list()`` so no serializer runs per row) and
many-valued ones (``csv_many``: one query per chunk of rows). The headers
follow the JSON names, flattened: ``actor`` becomes ``actor_slug``,
``actor_name``, ...

``export/`` streams from a server-side cursor in chunks, counted and read in
one snapshot (``tracker.api.snapshot``), so memory stays flat and the count
is announced before the first byte, however many rows match. Where it can,
the database writes each line (``tracker.api.export_sql``), read straight
from its driver (``tracker.api.export_readers``: COPY on PostgreSQL).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request

from tracker.api.csv import CSV_CONTENT_TYPE, csv_chunks, csv_lines, csv_text
from tracker.api.export_readers import copied_csv, copied_jsonl, fetched, separated
from tracker.api.export_sql import Unsupported, json_lines_sql, separated_cells_sql
from tracker.api.jsonl import JSONL_CONTENT_TYPE, JsonLinesRenderer, jsonl_chunks
from tracker.api.snapshot import Body, Rows, counted_in_one_snapshot
from tracker.api.streams import EXPORT_STREAMS, SlotStreamingHttpResponse
from tracker.declarations import MANY, Flat, Resource, flat_fields


@dataclass(frozen=True)
class CsvColumn:
    header: str
    path: str


@dataclass(frozen=True)
class CsvMany:
    """A many-valued column: the ``field`` of each related record, joined with ``|``;
    with ``link``, each item is that field of the link, a colon and the record's
    ``field`` (``follows:trump-putin-call``)."""

    header: str
    relation: str
    field: str = "pk"
    link: str = ""


def csv_columns_of(resource: Resource) -> tuple[CsvColumn, ...]:
    """The flat columns of a resource's declaration."""
    columns = []
    for declared in flat_fields(resource):
        if declared.flat in MANY:
            continue
        path = f"{declared.field}_id" if declared.flat is Flat.ID else declared.field
        if declared.flat is Flat.SLUG:
            path = f"{declared.field}__slug"
        columns.append(CsvColumn(declared.header, path))
        columns += [CsvColumn(header, path) for header, path in declared.shown_headers()]
    return tuple(columns)


def csv_many_of(resource: Resource) -> tuple[CsvMany, ...]:
    """The many-valued columns of a resource's declaration."""
    return tuple(
        CsvMany(
            declared.header,
            declared.field,
            "pk" if declared.flat is Flat.IDS else "slug",
            declared.link,
        )
        for declared in flat_fields(resource)
        if declared.flat in MANY
    )


class CsvRenderer(renderers.BaseRenderer):
    """Lets clients ask for CSV (``?format=csv`` or ``Accept: text/csv``).

    Lists and exports build their CSV themselves; what reaches this renderer is
    an error, written as a small CSV of the standard error fields.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, dict) and isinstance(data.get("errors"), list):
            rows = [
                [data.get("type"), error.get("code"), error.get("attr"), error.get("detail")]
                for error in data["errors"]
            ]
            return csv_text(["type", "code", "attr", "detail"], rows).encode()
        if isinstance(data, str | bytes):
            return data.encode() if isinstance(data, str) else data
        return csv_text(["detail"], [[str(data)]]).encode()


def _values(queryset: QuerySet, columns: Sequence[CsvColumn]) -> QuerySet:
    """The values ``_rows`` reads: the key, then each flat column."""
    return queryset.values_list("pk", *(column.path for column in columns))


def _rows(
    queryset: QuerySet,
    chunks: Iterable[list[tuple[Any, ...]]],
    many: Sequence[CsvMany],
    extra: Sequence[serializers.Field] = (),
) -> Iterator[list[Any]]:
    """Rows of plain values from chunks of ``_values``; many-valued columns are
    fetched once per chunk, and the ``extra`` serializer fields from the
    chunk's records."""
    for chunk in chunks:
        rows = _with_many(queryset, chunk, many)
        if not extra:
            yield from rows
            continue
        records = queryset.in_bulk([row[0] for row in chunk])
        for (key, *_values), row in zip(chunk, rows, strict=True):
            yield [*row, *(_shown(field, records[key]) for field in extra)]


def _shown(field: serializers.Field, record: Any) -> Any:
    """What ``field`` shows for ``record``, as a serializer's loop gets it."""
    value = field.get_attribute(record)
    return None if value is None else field.to_representation(value)


def _lines_from_the_database(
    jsonl: bool, queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> Rows | None:
    """A reader of the rows as lines made by the database (see ``export_sql``
    and ``export_readers``), or None where the Python path must make them."""
    try:
        if connections[queryset.db].vendor == "postgresql":
            copied = copied_jsonl if jsonl else copied_csv
            return copied(queryset, columns, many)
        if jsonl:
            return fetched(json_lines_sql(queryset, columns, many))
        cells = separated_cells_sql(queryset, columns, many)
        return separated(cells, len(columns) + len(many), _csv_lines(queryset, columns, many))
    except (Unsupported, EmptyResultSet):
        # EmptyResultSet: a filter that can match nothing; Python reads no rows.
        return None


def _csv_lines(
    queryset: QuerySet, columns: Sequence[CsvColumn], many: Sequence[CsvMany]
) -> Callable[[list[Any]], dict[Any, str]]:
    """The CSV line of each record of ``queryset`` whose key is given, made by Python."""

    def lines(keys: list[Any]) -> dict[Any, str]:
        chosen = queryset.filter(pk__in=keys)
        chunk = list(_values(chosen, columns))
        rows = csv_lines(_rows(chosen, [chunk], many))
        return {key: line for (key, *_), line in zip(chunk, rows, strict=True)}

    return lines


def _with_many(
    queryset: QuerySet, chunk: list[tuple[Any, ...]], many: Sequence[CsvMany]
) -> Iterator[list[Any]]:
    related: list[dict[Any, list[Any]]] = []
    keys = [row[0] for row in chunk]
    for column in many:
        values: dict[Any, list[Any]] = defaultdict(list)
        # Straight from the link table: an index on (record, related) serves it.
        m2m: Any = queryset.model._meta.get_field(column.relation)
        through = m2m.remote_field.through
        own, other = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        target = f"{other}_id" if column.field == "pk" else f"{other}__{column.field}"
        link = (column.link,) if column.link else ()
        pairs = (
            # On the export's database: inside its snapshot, not on another replica.
            through._default_manager.using(queryset.db)
            .filter(**{f"{own}_id__in": keys})
            .values_list(f"{own}_id", target, *link)
            .order_by(f"{own}_id", target, *link)
        )
        for key, value, *kind in pairs:
            values[key].append(f"{kind[0]}:{value}" if kind else value)
        related.append(values)
    for row in chunk:
        yield [*row[1:], *(values.get(row[0], []) for values in related)]


class CsvExportMixin(viewsets.GenericViewSet):
    """CSV on ``list`` (the page asked for) and a streaming ``export`` of every row.

    The columns come from ``declaration``, the resource's fields; a field that a
    serializer declares beyond them (``source="get_stance_display"``, say) is a
    column too, after them, written as the serializer shows it.
    """

    declaration: ClassVar[Resource] = ()
    csv_columns: ClassVar[tuple[CsvColumn, ...]] = ()
    csv_many: ClassVar[tuple[CsvMany, ...]] = ()
    csv_actions: ClassVar[frozenset[str]] = frozenset({"list", "export"})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "declaration" in cls.__dict__:
            cls.csv_columns = csv_columns_of(cls.declaration)
            cls.csv_many = csv_many_of(cls.declaration)

    def csv_extra(self) -> list[serializers.Field]:
        """The serializer's fields that the declaration does not name."""
        declared = {declared.name for declared in self.declaration}
        # Meta.fields names every field a ModelSerializer shows: most CSV
        # requests learn from it that there is none, without building one.
        meta = getattr(self.get_serializer_class(), "Meta", None)
        if not set(getattr(meta, "fields", ())) - declared:
            return []
        serializer = self.get_serializer()
        assert isinstance(serializer, serializers.Serializer)
        return [field for name, field in serializer.fields.items() if name not in declared]

    def get_renderers(self) -> list[renderers.BaseRenderer]:
        renderers_ = super().get_renderers()
        if self.action in self.csv_actions:
            renderers_.append(CsvRenderer())
        if self.action == "export":
            renderers_.append(JsonLinesRenderer())
        return renderers_

    def csv_header(self, extra: Sequence[serializers.Field] = ()) -> list[str]:
        return [
            *(column.header for column in self.csv_columns),
            *(column.header for column in self.csv_many),
            *(field.field_name for field in extra if field.field_name),
        ]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)  # type: ignore[misc]  # ListModelMixin
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        keys = [record.pk for record in page] if page is not None else queryset.values("pk")
        extra = self.csv_extra()
        page_queryset = queryset.filter(pk__in=keys)
        chunk = list(_values(page_queryset, self.csv_columns))
        rows = _rows(page_queryset, [chunk], self.csv_many, extra)
        response = HttpResponse(
            csv_text(self.csv_header(extra), rows), content_type=CSV_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'inline; filename="{self.basename}s.csv"'
        return response

    @extend_schema(
        summary="Download every matching record as CSV or JSON Lines",
        description=(
            "Streams all records that match the filters (not one page). CSV by default: a "
            "header row, RFC 4180 quoting, UTF-8; many-valued columns are joined with |; "
            "cells that a spreadsheet would run as a formula start with an apostrophe. "
            "With `format=jsonl` (or `Accept: application/jsonl`), one JSON object a line, "
            "keyed by the CSV's headers. The rows are read in one snapshot of the data: "
            "`X-Total-Count` and the file name give their number before the first byte, "
            "so a file with fewer rows (or a chunked body that never ended) was cut."
        ),
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="Every matching record."
            ),
            (200, JSONL_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.STR),
        },
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        queryset = self.filter_queryset(self.get_queryset())
        jsonl = getattr(request.accepted_renderer, "format", None) == "jsonl"
        content_type = JSONL_CONTENT_TYPE if jsonl else CSV_CONTENT_TYPE
        if request.method == "HEAD":
            # What the export would hold, without reading (or sending) its rows.
            return self.described(HttpResponse(content_type=content_type), queryset.count(), jsonl)
        # Refused (503) before a database is picked: a busy server is no failed replica.
        slot = EXPORT_STREAMS.take()
        try:
            queryset = queryset.using(queryset.db)  # the count and the rows on one database
            values, body = self.export_jsonl(queryset) if jsonl else self.export_csv(queryset)
            count, chunks = counted_in_one_snapshot(queryset, values, body)
        except BaseException:
            slot.release()
            raise
        response = SlotStreamingHttpResponse(chunks, slot=slot, content_type=content_type)
        return self.described(response, count, jsonl)

    def described(self, response: HttpResponseBase, count: int, jsonl: bool) -> HttpResponseBase:
        """The export's count in its headers and in its file name."""
        filename = f"{self.basename}s-{count}-records.{'jsonl' if jsonl else 'csv'}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Total-Count"] = str(count)
        return response

    def export_csv(self, queryset: QuerySet) -> tuple[Rows, Body]:
        """What to read and how its chunks become the CSV's bytes."""
        extra = self.csv_extra()
        header = self.csv_header(extra)
        lines = self.lines_from_the_database(queryset, extra, jsonl=False)
        if lines is not None:
            first = csv_text(header, ()).encode()
            return lines, lambda chunks: itertools.chain([first], chunks)
        many = self.csv_many
        return _values(queryset, self.csv_columns), lambda chunks: (
            chunk.encode() for chunk in csv_chunks(header, _rows(queryset, chunks, many, extra))
        )

    def export_jsonl(self, queryset: QuerySet) -> tuple[Rows, Body]:
        """What to read and how its chunks become JSON Lines: the CSV's columns."""
        extra = self.csv_extra()
        lines = self.lines_from_the_database(queryset, extra, jsonl=True)
        if lines is not None:
            return lines, iter
        many, header = self.csv_many, self.csv_header(extra)
        return _values(queryset, self.csv_columns), lambda chunks: jsonl_chunks(
            header, _rows(queryset, chunks, many, extra)
        )

    def lines_from_the_database(
        self, queryset: QuerySet, extra: Sequence[Any], *, jsonl: bool
    ) -> Rows | None:
        # The database writes the declared columns; a serializer's own fields need Python.
        if extra:
            return None
        return _lines_from_the_database(jsonl, queryset, self.csv_columns, self.csv_many)
