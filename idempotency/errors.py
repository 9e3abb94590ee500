"""The 422 for an Idempotency-Key reused with another request."""

from __future__ import annotations

from django.db.models import TextChoices
from drf_standardized_errors.openapi_serializers import ValidationErrorEnum
from rest_framework import exceptions, serializers, status

HEADER = "Idempotency-Key"


class IdempotencyKeyReused(exceptions.ValidationError):
    """Same key, different request: replaying would answer something else than was asked."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            {
                HEADER: [
                    "This key was already used for a different request (another body or "
                    "address). Use a new key for a new request."
                ]
            },
            code=self.default_code,
        )


class ErrorCode422Enum(TextChoices):
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"


class Attr422Enum(TextChoices):
    IDEMPOTENCY_KEY = HEADER


class Error422Serializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ErrorCode422Enum.choices)
    detail = serializers.CharField()
    attr = serializers.ChoiceField(choices=Attr422Enum.choices)


class ErrorResponse422Serializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ValidationErrorEnum.choices)
    # Shadows Serializer.errors; this serializer only describes the schema.
    errors = Error422Serializer(many=True)  # type: ignore[assignment]
