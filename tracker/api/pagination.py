"""Paging: limit/offset for browsing, a keyset cursor for services that sync.

Limit/offset answers ``count``, ``next`` and ``previous`` (also as the
``X-Total-Count`` and ``Link`` headers). With ``cursor`` (empty for the first
page), results come in the order records last changed (``updated_at``, then
id) and each page links to the next by the position of its last record, so a
client paging through while others write neither skips nor repeats a record:
one changed meanwhile simply comes again, later, with its new content.

Counting a million rows costs more than fetching a page of them, so counts
are exact up to ``API_EXACT_COUNT_LIMIT`` matching rows (a count that stops
there is cheap) and, beyond it, PostgreSQL's estimate from its statistics.
A full-text match asks for the estimate first and counts exactly only when
it expects no more than the limit: counting a common word's matches visits
each matching row. When it expects more, the first 1,000 matches are
counted; fewer than that are the count, and otherwise the estimate is.
Whether there is a next page is known exactly either way (one extra row is
fetched). On SQLite, where ``q`` matches substrings with no index to count
them by, a count that takes longer than ``SEARCH_COUNT_TIME_LIMIT`` is given
up: ``count`` is null, as on cursor pages, and the page itself still comes.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from tracker.api.facets import FACETS_SCHEMA
from tracker.search import is_text_search, uses_postgres
from tracker.time_limits import TimedOut, within

MAX_COUNT = 2**63 - 1
# How many matches of a text search are counted before the planner's
# estimate of them is believed (see count_rows).
SEARCH_COUNT_PROBE = 1_000


def _parse_count(
    raw: str, name: str, *, minimum: int, maximum: int = MAX_COUNT, advice: str = ""
) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Enter a whole number, not {raw[:20]!r}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be {minimum} or more."]})
    if value > maximum:
        # By default 64-bit integers, which databases take; past that there is no row anyway.
        raise ValidationError({name: [f"Must be at most {maximum}{advice}."]})
    return value


def exact_count_limit() -> int:
    return int(getattr(settings, "API_EXACT_COUNT_LIMIT", 20_000))


def capped_count_queryset(queryset: QuerySet, limit: int | None = None) -> QuerySet:
    """The rows an exact count reads: at most one more than the limit."""
    return queryset.order_by().values("pk")[: (exact_count_limit() if limit is None else limit) + 1]


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of the matching rows (PostgreSQL), from one EXPLAIN."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def count_rows(queryset: QuerySet, estimate_first: bool = False) -> int:
    """Exact up to the limit, estimated above it (see the module's docstring).

    ``estimate_first`` asks PostgreSQL's estimate before counting, as for a
    text search (a timeline's kinds).
    """
    if not uses_postgres(queryset):
        # Without an estimate to give beyond the limit, a count that stopped
        # there would only be followed by the whole count: count once.
        return queryset.count()
    limit = exact_count_limit()
    if estimate_first or is_text_search(queryset):
        # Even a capped count of a common word's matches visits 20,001 rows
        # (the index names the rows, not whether they are visible), while the
        # planner's estimate of a text match comes from word frequencies: ask
        # for it first, and count only what it expects to be few. Words that
        # seldom meet, a phrase or an exclusion can fool it (it multiplies
        # frequencies), so the first rows are counted before it is believed.
        estimate = estimated_count(queryset)
        if estimate is not None and estimate > limit:
            probe = min(limit, SEARCH_COUNT_PROBE)
            found = capped_count_queryset(queryset, probe).count()
            return estimate if found > probe else found
    exact = capped_count_queryset(queryset).count()
    if exact <= limit:
        return exact
    estimate = estimated_count(queryset)
    return queryset.count() if estimate is None else max(estimate, limit + 1)


def encode_cursor(updated_at: datetime.datetime, pk: int) -> str:
    raw = f"{updated_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        updated_at = parse_datetime(stamp)
        if updated_at is None or updated_at.tzinfo is None:
            raise ValueError(stamp)
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return updated_at.astimezone(datetime.UTC), int(pk)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError):
        raise ValidationError(
            {"cursor": ["Invalid cursor: use the next link of a previous page."]}
        ) from None


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Limit/offset paging that refuses nonsense instead of guessing, plus sync cursors.

    A malformed or negative ``limit``/``offset`` is a 400 naming the parameter;
    a ``limit`` above ``max_limit`` is capped to it.
    """

    default_limit = 50
    max_limit = 500
    # A larger offset is a 400 naming it, followed by max_offset_advice.
    max_offset = MAX_COUNT
    max_offset_advice = ""
    cursor_query_param = "cursor"

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        return min(_parse_count(raw, self.limit_query_param, minimum=1), self.max_limit)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return _parse_count(
            raw,
            self.offset_query_param,
            minimum=0,
            maximum=self.max_offset,
            advice=self.max_offset_advice,
        )

    def get_count(self, queryset: Any) -> int:
        if isinstance(queryset, QuerySet):
            return count_rows(queryset)
        return len(queryset)

    def count_for_page(self, queryset: Any, request: Request) -> int | None:
        """``get_count``, or None when a substring search (SQLite) takes too long to count."""
        if (
            isinstance(queryset, QuerySet)
            and request.query_params.get("q")
            and not uses_postgres(queryset)
        ):
            try:
                with within(settings.SEARCH_COUNT_TIME_LIMIT, queryset.db):
                    return self.get_count(queryset)
            except TimedOut:
                return None
        return self.get_count(queryset)

    def paginate_queryset(
        self,
        queryset: Any,
        request: Request,
        view: Any = None,
        rows: Callable[[QuerySet], QuerySet] | None = None,
    ) -> list[Any] | None:
        """The page. ``rows``, when given, makes the queryset into what a page holds
        (``.values()`` rows, tracker.api.rows); counts are taken on the queryset
        itself, whose SQL joins nothing the count does not need."""
        # Cursor paging is for plain record lists (views that opt in), not aggregates.
        self.cursor_mode = (
            getattr(view, "cursor_paging", False)
            and self.cursor_query_param in request.query_params
        )
        as_rows = rows or (lambda records: records)
        if self.cursor_mode:
            return self._paginate_by_cursor(queryset, request, as_rows)
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        self.count = self.count_for_page(queryset, request)
        if self.count is not None and self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        # One row more than the page tells whether a next page exists, even
        # when the count is an estimate.
        page = list(as_rows(queryset)[self.offset : self.offset + self.limit + 1])
        self.has_next = len(page) > self.limit
        return page[: self.limit]

    def _paginate_by_cursor(
        self, queryset: QuerySet, request: Request, as_rows: Callable[[QuerySet], QuerySet]
    ) -> list[Any]:
        if self.offset_query_param in request.query_params:
            raise ValidationError({"offset": ["offset does not combine with cursor paging."]})
        if request.query_params.get("ordering"):
            raise ValidationError(
                {"ordering": ["Cursor pages are ordered by updated_at, then id."]}
            )
        self.request = request
        self.limit = self.get_limit(request)
        self.count = None
        token = request.query_params.get(self.cursor_query_param, "")
        queryset = queryset.order_by("updated_at", "pk")
        if token:
            updated_at, pk = decode_cursor(token)
            # The first condition lets an index on updated_at start at the cursor.
            queryset = queryset.filter(
                Q(updated_at__gte=updated_at)
                & (Q(updated_at__gt=updated_at) | Q(updated_at=updated_at, pk__gt=pk))
            )
        found = list(as_rows(queryset)[: self.limit + 1])
        self.has_next = len(found) > self.limit
        page = found[: self.limit]
        self.next_cursor = None
        if self.has_next:
            last = page[-1]
            # Records, or rows read with values() (tracker.api.rows).
            if isinstance(last, dict):
                self.next_cursor = encode_cursor(last["updated_at"], last["pk"])
            else:
                self.next_cursor = encode_cursor(last.updated_at, last.pk)
        return page

    def get_next_link(self) -> str | None:
        if not getattr(self, "cursor_mode", False):
            has_next = getattr(self, "has_next", None)
            if has_next is None or self.request is None or self.offset is None or not self.limit:
                return super().get_next_link()
            if not has_next:
                return None
            url = replace_query_param(
                self.request.build_absolute_uri(), self.limit_query_param, self.limit
            )
            return replace_query_param(url, self.offset_query_param, self.offset + self.limit)
        if self.next_cursor is None or self.request is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.offset_query_param)
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_previous_link(self) -> str | None:
        if getattr(self, "cursor_mode", False):
            return None  # sync cursors only go forward
        return super().get_previous_link()

    def get_paginated_response(self, data: Any) -> Response:
        next_link, previous_link = self.get_next_link(), self.get_previous_link()
        response = Response(
            {"count": self.count, "next": next_link, "previous": previous_link, "results": data}
        )
        if self.count is not None:
            response["X-Total-Count"] = str(self.count)
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", next_link), ("prev", previous_link))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["count"]["nullable"] = True
        paged["properties"]["count"]["description"] = (
            "Total number of matching items; null on sync cursor pages, and on SQLite "
            "when a search's matches could not be counted in time."
        )
        paged["required"] = ["count", "next", "previous", "results"]
        paged["properties"]["facets"] = FACETS_SCHEMA
        return paged

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Number of results per page (default {self.default_limit}; "
                    f"values above {self.max_limit} are capped to {self.max_limit})."
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "Index of the first result to return (default 0).",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_COUNT},
            },
        ]
        if not getattr(view, "cursor_paging", False):
            return parameters
        return [
            *parameters,
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Sync paging: give it empty for the first page, then follow `next`. "
                    "Results come in the order records last changed (updated_at, then id); "
                    "no count is computed. Combine with updated_since to resume."
                ),
                "schema": {"type": "string"},
            },
        ]
