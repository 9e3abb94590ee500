"""One error shape for the whole API.

drf-standardized-errors gives every error the same body,
``{"type": ..., "errors": [{"code", "detail", "attr"}]}``, where ``attr`` names
the field or query parameter at fault. This module teaches it the errors that
come from the database and from Django rather than from DRF.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.db.models import TextChoices as _TextChoices
from drf_standardized_errors.handler import ExceptionHandler as BaseExceptionHandler
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from tracker.api.serializers import model_errors_as_api_errors
from tracker.outages import RETRY_AFTER_SECONDS, database_unavailable, transaction_conflict

logger = logging.getLogger(__name__)


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the data."
    default_code = "conflict"


class ProtectedRecord(ConflictError):
    default_detail = "This record is still referenced and cannot be deleted."
    default_code = "protected"


class Gone(exceptions.APIException):
    """What the client asks for was kept for a time, and that time is over."""

    status_code = status.HTTP_410_GONE
    default_detail = "What you asked for is no longer kept."
    default_code = "behind_retention"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this server accepts."
    default_code = "payload_too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The database is unavailable for a moment. Retry after the time given."
    default_code = "service_unavailable"
    # The handler turns `wait` into a Retry-After header.
    wait = RETRY_AFTER_SECONDS


class ExportsBusy(ServiceUnavailable):
    """The process streams as many exports as it may (``tracker.api.streams``)."""

    default_detail = (
        "This server is sending as many exports as it can at once. Retry after the time given."
    )


def describe_protection(exc: ProtectedError | RestrictedError) -> str:
    objects = list(
        exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
    )
    shown = "; ".join(f"{obj._meta.verbose_name} {obj}" for obj in objects[:5])
    more = f" and {len(objects) - 5} more" if len(objects) > 5 else ""
    return f"This record is still referenced by {shown}{more}. Remove or repoint those first."


class ExceptionHandler(BaseExceptionHandler):
    def report_exception(self, exc: exceptions.APIException, response: Response) -> None:
        # A full export cap is the server working as planned: one line for the
        # operator, not a traceback and an error report per refused client.
        if isinstance(exc, ExportsBusy):
            logger.warning("Export refused, every export slot of this process is taken")
            return
        super().report_exception(exc, response)

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, ProtectedError | RestrictedError):
            return ProtectedRecord(describe_protection(exc))
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(model_errors_as_api_errors(exc))
        if database_unavailable(exc):
            # Nothing was written: the transaction could not commit.
            return ServiceUnavailable()
        if transaction_conflict(exc):
            return ConflictError("The record was being changed concurrently. Try again.")
        if isinstance(exc, IntegrityError):
            # Validation runs first, so this is a race with another writer.
            return ConflictError("The record changed or was created concurrently. Try again.")
        if isinstance(exc, RequestDataTooBig):
            return PayloadTooLarge()
        return super().convert_known_exceptions(exc)


class ErrorCode409Enum(_TextChoices):
    CONFLICT = "conflict"
    PROTECTED = "protected"


class ErrorCode410Enum(_TextChoices):
    BEHIND_RETENTION = "behind_retention"


class ErrorCode412Enum(_TextChoices):
    PRECONDITION_FAILED = "precondition_failed"


class ErrorCode413Enum(_TextChoices):
    PAYLOAD_TOO_LARGE = "payload_too_large"


class ErrorCode503Enum(_TextChoices):
    SERVICE_UNAVAILABLE = "service_unavailable"


def error_response_serializer(
    status_code: int, codes: type[_TextChoices], error_type: type[_TextChoices] = ClientErrorEnum
) -> type:
    """The schema of an error response whose codes are ``codes``, in the package's shape.

    drf-standardized-errors documents the status codes it knows; these are ours.
    """
    error = type(
        f"Error{status_code}Serializer",
        (serializers.Serializer,),
        {
            "__module__": __name__,
            "code": serializers.ChoiceField(choices=codes.choices),
            "detail": serializers.CharField(),
            "attr": serializers.CharField(allow_null=True),
        },
    )
    return type(
        f"ErrorResponse{status_code}Serializer",
        (serializers.Serializer,),
        {
            "__module__": __name__,
            "type": serializers.ChoiceField(choices=error_type.choices),
            "errors": error(many=True),
        },
    )


ErrorResponse409Serializer = error_response_serializer(409, ErrorCode409Enum)
ErrorResponse410Serializer = error_response_serializer(410, ErrorCode410Enum)
ErrorResponse412Serializer = error_response_serializer(412, ErrorCode412Enum)
ErrorResponse413Serializer = error_response_serializer(413, ErrorCode413Enum)
ErrorResponse503Serializer = error_response_serializer(503, ErrorCode503Enum, ServerErrorEnum)
