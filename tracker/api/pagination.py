from __future__ import annotations

from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def _parse_count(raw: str, name: str, *, minimum: int) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Enter a whole number, not {raw[:20]!r}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be {minimum} or more."]})
    return value


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Limit/offset paging that refuses nonsense instead of guessing.

    A malformed or negative ``limit``/``offset`` is a 400 naming the parameter;
    a ``limit`` above ``max_limit`` is capped to it.
    """

    default_limit = 50
    max_limit = 500

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        return min(_parse_count(raw, self.limit_query_param, minimum=1), self.max_limit)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return _parse_count(raw, self.offset_query_param, minimum=0)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
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
                "schema": {"type": "integer", "minimum": 0},
            },
        ]
