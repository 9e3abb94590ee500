"""The data-quality report as an API resource."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, permissions, serializers

from responses.quality import (
    Finding,
    QualityCode,
    RecordRef,
    RecordType,
    Severity,
    quality_report,
)
from tracker.api.pagination import LimitOffsetPagination


class QualityRecordSerializer(serializers.Serializer):
    """The record a finding is about."""

    type = serializers.ChoiceField(choices=RecordType.choices, help_text="Kind of record.")
    id = serializers.IntegerField(help_text="The record's id.")
    slug = serializers.CharField(
        allow_null=True, help_text="The record's slug, for actors and events; null otherwise."
    )
    # Shadows Field.label for the type checker only: DRF collects declared fields.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The record's name, or a short description."
    )
    url = serializers.SerializerMethodField(help_text="The record in the API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, record: RecordRef) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(record.path) if request is not None else record.path


class QualityFindingSerializer(serializers.Serializer):
    """A problem to fix, or a note worth a look."""

    code = serializers.ChoiceField(choices=QualityCode.choices, help_text="What was found.")
    severity = serializers.ChoiceField(
        choices=Severity.choices,
        help_text="problem: the data breaks a rule; note: worth a look, not wrong.",
    )
    record = QualityRecordSerializer()
    related = QualityRecordSerializer(
        many=True, help_text="Other records involved, such as the other likely duplicates."
    )
    message = serializers.CharField(help_text="What is wrong and what to do, in words.")


class QualityQuerySerializer(serializers.Serializer):
    """The query parameters the report accepts."""

    severity = serializers.MultipleChoiceField(
        choices=Severity.choices, required=False, help_text="Only problems, or only notes."
    )
    code = serializers.MultipleChoiceField(
        choices=QualityCode.choices,
        required=False,
        help_text="Only findings of these kinds (repeat the parameter for several).",
    )

    def keeps(self, finding: Finding) -> bool:
        severities = self.validated_data.get("severity") or Severity.values
        codes = self.validated_data.get("code") or QualityCode.values
        return finding.severity in severities and finding.code in codes


@extend_schema(
    summary="Problems and notes about the quality of the data",
    description=(
        "Problems: events, positions and measures without a source; CAMEO codes that "
        "contradict the stance; threatened or proposed measures past their deadline; "
        "measures whose status is not their last recorded status change; likely duplicate "
        "actors (same name or alias, ignoring case, accents and punctuation). Notes: actors "
        "that nothing refers to. Problems come first, then notes, each kind together."
    ),
    parameters=[QualityQuerySerializer],
)
@extend_validation_errors(["invalid_choice"], field_name="severity", methods=["get"])
@extend_validation_errors(["invalid_choice"], field_name="code", methods=["get"])
@extend_validation_errors(["invalid"], field_name="limit", methods=["get"])
@extend_validation_errors(["invalid"], field_name="offset", methods=["get"])
class QualityReportView(generics.ListAPIView):
    serializer_class = QualityFindingSerializer
    pagination_class = LimitOffsetPagination
    filter_backends: list[Any] = []
    # A read-only report: open to everyone, like every other read.
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> list[Finding]:  # type: ignore[override]
        # The browsable API asks for it too (to build its filter form), so the
        # report is worked out once per request.
        return self.findings

    @cached_property
    def findings(self) -> list[Finding]:
        query = QualityQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return [finding for finding in quality_report() if query.keeps(finding)]
