"""Do the lists' filters and orderings use indexes? EXPLAIN each one and look.

For every filter and every ordering a list declares, this builds the page
query and the count query exactly as the API runs them (the viewset's own
queryset, its FilterSet, its paging) and asks PostgreSQL for the plan, and,
when parameters are bound on the server, for the generic plan a prepared
statement may settle on. A
sequential scan of one of the big tables means that some request reads the
whole table: at a million rows, a slow request. ``forbid_seqscan`` makes the
planner avoid sequential scans wherever an index could serve, so on a small
test database the check still tells whether an index exists.

The app that owns the lists passes their viewsets in
(``responses/api/query_plans.py``).
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework.test import APIRequestFactory

from tracker.api.pagination import count_rows

# The tables that grow to millions of rows.
BIG_TABLES = ("responses_position", "responses_event", "responses_measure")
PAGE_SIZE = 100


@dataclass(frozen=True)
class Plan:
    resource: str
    parameters: dict[str, str]
    query: str  # "page" or "count", and ", generic" for a prepared statement's generic plan
    seq_scans: tuple[str, ...]
    text: str


def sample_value(name: str, declared: filters.Filter) -> str | None:
    """A realistic value for a filter: the first (busiest) record, the first choice, ..."""
    if name == "q":
        return "ceasefire"
    if isinstance(declared, filters.ModelMultipleChoiceFilter | filters.ModelChoiceFilter):
        record = declared.queryset.order_by("pk").first()
        return None if record is None else str(getattr(record, declared.field.to_field_name))
    if isinstance(declared, filters.MultipleChoiceFilter | filters.ChoiceFilter):
        return str(declared.extra["choices"][0][0])
    if isinstance(declared, filters.IsoDateTimeFilter):
        return "2025-01-01T00:00:00Z"
    if isinstance(declared, filters.DateFilter):
        return "2015-01-01"
    if isinstance(declared, filters.NumberFilter):
        return "1"
    if name == "country":
        return "UA"
    if name == "cameo_code":
        return "0256"
    if isinstance(declared, filters.CharFilter):
        return "x"
    return None


def requests_for(viewset: Any) -> Iterator[dict[str, str]]:
    filterset = viewset.filterset_class
    yield {}
    for name, declared in filterset.base_filters.items():
        if isinstance(declared, filters.OrderingFilter):
            for choice, _ in declared.extra["choices"]:
                if choice.lstrip("-") == "relevance":
                    yield {"q": "ceasefire", "ordering": choice}
                else:
                    yield {"ordering": choice}
            continue
        value = sample_value(name, declared)
        if value is not None:
            yield {name: value}


def filtered_queryset(viewset: Any, parameters: dict[str, str]) -> QuerySet:
    request = APIRequestFactory().get("/", parameters)
    view = viewset(action_map={"get": "list"}, format_kwarg=None, args=(), kwargs={})
    view.request = view.initialize_request(request)
    return view.filter_queryset(view.get_queryset())


def _depth(line: str) -> int:
    return len(line) - len(line.lstrip(" ->"))


def seq_scans(plan: str) -> tuple[str, ...]:
    """Big tables read from end to end.

    A sequential scan right below a Limit stops once it has the rows it needs:
    the capped count uses one when matches are common (counting the first
    20,001 is then cheaper through the table than through an index), and it
    does not read the whole table for that. Below a sort or an aggregate it
    does: those count.
    """
    lines = plan.splitlines()
    found = set()
    for number, line in enumerate(lines):
        match = re.search(r"Seq Scan on (\w+)", line)
        if match is None or match.group(1) not in BIG_TABLES:
            continue
        bounded = False
        depth = _depth(line)
        for above in reversed(lines[:number]):
            if _depth(above) >= depth:
                continue
            node = above.strip(" ->")
            if node.startswith("Gather"):  # parallel workers: look at what gathers them
                depth = _depth(above)
                continue
            bounded = node.startswith("Limit")  # the nearest node above decides
            break
        if not bounded:
            found.add(match.group(1))
    return tuple(sorted(found))


Statement = tuple[str, str, Sequence[Any]]  # kind ("count" or "page"), SQL, parameters


def queries_of_a_page(queryset: QuerySet) -> list[Statement]:
    """The SQL a list request runs (count, page, prefetches), captured as it runs."""
    captured: list[tuple[str, Sequence[Any]]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        count_rows(queryset)
        list(queryset[:PAGE_SIZE])
    named = []
    for sql, params in captured:
        if sql.startswith("EXPLAIN"):
            continue  # the count's own estimate
        kind = "count" if sql.startswith("SELECT COUNT(*)") else "page"
        named.append((kind, sql, params))
    return named


def _numbered(sql: str) -> str:
    """Django's ``%s`` placeholders as PREPARE's ``$1``, ``$2``, ... (``%%`` is a ``%``)."""
    numbers = itertools.count(1)
    return re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


def _generic_plan(cursor: Any, sql: str, params: Sequence[Any]) -> str:
    """The plan a prepared statement gets once PostgreSQL settles on a generic plan.

    With parameters bound on the server, a statement a connection repeats is
    prepared, and after five runs PostgreSQL may plan it once for any values
    (tracker/settings.py): that plan must not scan a big table either.
    """
    arguments = ""
    if params:
        raw = cursor.connection
        arguments = psycopg.ClientCursor(raw).mogrify(
            "(" + ", ".join(["%s"] * len(params)) + ")", list(params)
        )
    cursor.execute(f"PREPARE tracker_plan_check AS {_numbered(sql)}")
    try:
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute(f"EXPLAIN EXECUTE tracker_plan_check{arguments}")
        return "\n".join(row[0] for row in cursor.fetchall())
    finally:
        cursor.execute("RESET plan_cache_mode")
        cursor.execute("DEALLOCATE tracker_plan_check")


def check(viewsets: dict[str, Any], *, forbid_seqscan: bool = False) -> list[Plan]:
    """Each list query's plan for its values and, bound on the server, its generic plan."""
    generic = bool(connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"))
    plans = []
    with connection.cursor() as cursor:
        if forbid_seqscan:
            cursor.execute("SET enable_seqscan = off")
        try:
            for resource, viewset in viewsets.items():
                for parameters in requests_for(viewset):
                    queryset = filtered_queryset(viewset, parameters)
                    for kind, sql, params in queries_of_a_page(queryset):
                        cursor.execute(f"EXPLAIN {sql}", params)
                        text = "\n".join(row[0] for row in cursor.fetchall())
                        plans.append(Plan(resource, parameters, kind, seq_scans(text), text))
                        if generic:
                            text = _generic_plan(cursor.cursor, sql, params)
                            plans.append(
                                Plan(
                                    resource, parameters, f"{kind}, generic", seq_scans(text), text
                                )
                            )
        finally:
            if forbid_seqscan:
                cursor.execute("RESET enable_seqscan")
    return plans


def as_json(plans: list[Plan]) -> str:
    return json.dumps(
        [
            {
                "resource": p.resource,
                "parameters": p.parameters,
                "query": p.query,
                "seq_scans": p.seq_scans,
            }
            for p in plans
        ],
        indent=1,
        default=lambda value: value.isoformat() if isinstance(value, datetime.date) else str(value),
    )
