"""``counts/`` on a list: its records per period, split by one dimension, as JSON or CSV.

``GET /api/v1/positions/counts/?actor=russia&period=month&by=stance`` takes
the list's own filters and answers long rows (period, the dimension's value,
count), in the shape pandas, R and spreadsheets pivot. The dimensions are the
list's facets (tracker.api.facets), named after the filters they narrow by.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from responses.counts import TooManyRows, counts_over_time, grouping_dimensions
from tracker.api.caching import cached_response
from tracker.api.csv import csv_text
from tracker.api.dimensions import PERIODS
from tracker.api.export import CsvRenderer
from tracker.api.facets import MAX_FACET_SIZE
from tracker.api.renderers import BrowsableAPIRenderer, JSONRenderer


class CountsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PERIODS, default="month")
    by = serializers.ChoiceField(choices=(), required=False)
    top = serializers.IntegerField(min_value=1, max_value=MAX_FACET_SIZE, default=10)
    # ``format`` picks the renderer; it is named here so the query validates whole.
    format = serializers.CharField(required=False)

    def __init__(self, *args: Any, dimensions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(serializers.ChoiceField, self.fields["by"]).choices = dimensions


class CountsCSVRenderer(CsvRenderer):
    """The rows as CSV; an error as the lists write theirs (tracker.api.export)."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None and response.exception:
            return super().render(data, accepted_media_type, renderer_context)
        by = data.get("by")
        header = ["period", *([by] if by else []), "count"]
        if response is not None:
            view = (renderer_context or {}).get("view")
            records = slugify(view.queryset.model._meta.verbose_name_plural) if view else "records"
            name = f"{records}-per-{data['period']}"
            response["Content-Disposition"] = (
                f'attachment; filename="{name}{f"-by-{by}" if by else ""}.csv"'
            )
        rows = ([row[column] for column in header] for row in data["results"])
        return csv_text(header, rows)


class CountSerializer(serializers.Serializer):
    """One period's count; with ``by``, also the value it counts, under that name."""

    period = serializers.DateField(help_text="The first day of the period.")
    count = serializers.IntegerField(help_text="Records in the period (with that value).")


class CountsSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PERIODS, help_text="The length of each period.")
    by = serializers.CharField(
        allow_null=True, help_text="The dimension each row's value is of; null without by."
    )
    results = CountSerializer(
        many=True,
        help_text=(
            "One row per period and value, from the first period with a record to the last, "
            "zeros included. With by, each row also holds the value under the dimension's "
            "name (stance: condemn), as the list's filter of that name takes it."
        ),
    )


def counts_schema(noun: str, example: str, filterset_class: Any) -> Any:
    """The ``counts`` action's documentation, for a viewset's class."""
    operation = extend_schema(
        filters=True,
        summary=f"{noun} per period, by a dimension",
        description=(
            f"How many {noun.lower()} match the list's filters in each period, optionally split "
            f"by one dimension (its top values only), as JSON or CSV (`?format=csv`): "
            f"for example `?{example}`. Ready for a pivot in pandas, R or a spreadsheet."
        ),
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv"],
                description="Response format, instead of the Accept header.",
            ),
            OpenApiParameter(
                "period", OpenApiTypes.STR, enum=list(PERIODS), description="Default month."
            ),
            OpenApiParameter(
                "by",
                OpenApiTypes.STR,
                enum=list(grouping_dimensions(filterset_class)),
                description="The dimension to split each period's count by (a facet's name).",
            ),
            OpenApiParameter(
                "top",
                OpenApiTypes.INT,
                description=(
                    f"With by: how many of its largest values to count (1-{MAX_FACET_SIZE}, "
                    "default 10)."
                ),
            ),
        ],
        responses={
            (200, "application/json"): CountsSerializer,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="Columns period, the by dimension (if any), count."
            ),
        },
    )

    def document(viewset: type) -> type:
        viewset = extend_schema_view(counts=operation)(viewset)
        # The query's own parameters, beside the filters' errors.
        for field_name, codes in COUNTS_ERRORS.items():
            viewset = extend_validation_errors(codes, field_name=field_name, actions=["counts"])(
                viewset
            )
        return viewset

    return document


COUNTS_ERRORS = {
    "period": ["invalid_choice", "invalid"],
    "by": ["invalid_choice"],
    "top": ["invalid", "min_value", "max_value", "max_string_length"],
}


class CountsMixin:
    """Adds ``counts/`` to a list whose FilterSet declares a date facet."""

    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        renderer_classes=[JSONRenderer, BrowsableAPIRenderer, CountsCSVRenderer],
    )
    def counts(self, request: Request) -> Response:
        return cached_response(request, lambda: self.counted(request))

    def counted(self, request: Request) -> Response:
        view: Any = self
        filterset_class = view.filterset_class
        query = CountsQuerySerializer(
            data=request.query_params, dimensions=list(grouping_dimensions(filterset_class))
        )
        query.is_valid(raise_exception=True)
        period, by = query.validated_data["period"], query.validated_data.get("by")
        records = view.filter_queryset(view.get_queryset())
        try:
            rows = counts_over_time(
                records, filterset_class, period=period, by=by, top=query.validated_data["top"]
            )
        except TooManyRows as error:
            raise ValidationError({"period": [str(error)]}) from error
        return Response({"period": period, "by": by, "results": rows})
