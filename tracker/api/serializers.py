"""The serializer base every resource shares."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Model
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings

# Input limits, against resource exhaustion and nonsense rather than data rules:
# free text is long enough for any statement or excerpt, and dates lie within
# the span a tracker of today's conflicts can be about.
TEXT_MAX_LENGTH = 20_000
EARLIEST_DATE = datetime.date(1800, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)


class LimitedTextField(serializers.CharField):
    """Text whose limit applies to what the client sent, before whitespace is trimmed.

    The schema's maxLength describes the request; a text one character over it
    is refused even when trimming a leading space would bring it under.
    """

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


def date_in_range(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(
            f"Enter a date between {EARLIEST_DATE} and {LATEST_DATE}.", code="date_out_of_range"
        )


# Sent by the browsable API's HTML forms, never a field of a resource.
FORM_FIELDS = frozenset({"csrfmiddlewaretoken"})


class StrictFieldsMixin(serializers.Serializer):
    """Refuses any field the client may not write, naming it, and text sent as a number.

    Mass assignment stays impossible, and a typo (``sumary``) is a 400 rather
    than silently dropped. Read-only fields (``id``, ``url``, timestamps,
    computed fields) are refused as well: the request schemas list only what
    can be written (``additionalProperties: false``).
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            errors = {}
            for name in sorted(set(data) - writable - FORM_FIELDS, key=str):
                message = (
                    f"{name} is read-only."
                    if name in self.fields
                    else f"Unknown field {str(name)[:100]!r}: it is not part of this resource."
                )
                errors[str(name)[:100]] = [
                    ErrorDetail(message, code="read_only" if name in self.fields else "unknown")
                ]
            # DRF's CharField takes a JSON number as text ("title": 5 is "5");
            # the schema says string, so a number is refused like other wrong types.
            for name, field in self.fields.items():
                value = data.get(name)
                if (
                    isinstance(field, serializers.CharField)
                    and not field.read_only
                    and value is not None
                    and not isinstance(value, str)
                ):
                    message = str(field.error_messages["invalid"])
                    errors[name] = [ErrorDetail(message, code="invalid")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


# Each ModelSerializer class's fields as ModelSerializer builds them (see FieldsBuiltOnce).
BUILT_FIELDS: dict[type, dict[str, serializers.Field]] = {}


class FieldsBuiltOnce(serializers.ModelSerializer):
    """ModelSerializer's fields, built once per class and copied for each serializer.

    ModelSerializer reads the model's fields again for every serializer (a
    detail builds several: the resource's and each brief's), although what it
    builds depends on the class alone. Each serializer gets copies, as DRF
    copies the declared fields.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        built = BUILT_FIELDS.get(type(self))
        if built is None:
            built = BUILT_FIELDS[type(self)] = super().get_fields()
        return copy.deepcopy(built)


class BriefSerializer(FieldsBuiltOnce):
    """A record as it appears nested in others (read only)."""


def nested(field: serializers.Field, value: Any) -> Any:
    """``value`` as ``field`` shows it, None staying None: what a serializer's loop does."""
    return None if value is None else field.to_representation(value)


class ValidatedModelSerializer(StrictFieldsMixin, FieldsBuiltOnce):
    """Runs the model's own validation (``full_clean``) on every write.

    Cross-field rules and constraints live once, on the model, so the admin,
    the API and the loaders agree on what is valid.
    """

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and "max_length" not in kwargs:
            kwargs["max_length"] = TEXT_MAX_LENGTH
            field_class = LimitedTextField
        if isinstance(model_field, models.DateField) and not isinstance(
            model_field, models.DateTimeField
        ):
            kwargs["validators"] = [*kwargs.get("validators", []), date_in_range]
        return field_class, kwargs

    def get_fields(self) -> dict[str, serializers.Field]:
        # Declared fields (nested relations, say) keep the model's help text, so
        # the schema documents them like the generated ones.
        fields = super().get_fields()
        model: type[Model] = self.Meta.model
        help_texts = {
            field.name: str(getattr(field, "help_text", "")) for field in model._meta.get_fields()
        }
        for name, field in fields.items():
            if field.help_text is None and help_texts.get(field.source or name):
                field.help_text = help_texts[field.source or name]
            if not field.read_only:
                # The model's clean() reports its cross-field rules on a field
                # with code "invalid" (an actor targeting itself, say). Listing
                # the code here puts it in the schema's error codes for the field,
                # which generated clients check answers against.
                field.error_messages.setdefault("invalid", "The record's rules refuse this value.")
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model: type[Model] = self.Meta.model
        concrete = {field.name for field in model._meta.concrete_fields}
        many_to_many = [field.name for field in model._meta.many_to_many]
        if self.instance is None:
            instance = model(**{key: value for key, value in attrs.items() if key in concrete})
        else:
            instance = copy.copy(self.instance)
            for key, value in attrs.items():
                if key in concrete:
                    setattr(instance, key, value)
        try:
            instance.full_clean(exclude=many_to_many)
        except DjangoValidationError as exc:
            detail = model_errors_as_api_errors(exc)
            if isinstance(detail, dict):
                # The model names its fields; the client knows the API's names
                # (a source's address is "link" here, "url" in the model).
                api_names = {
                    field.source: name
                    for name, field in self.fields.items()
                    if field.source and field.source != name and not field.read_only
                }
                detail = {api_names.get(key, key): value for key, value in detail.items()}
            raise serializers.ValidationError(detail) from exc
        return attrs


def model_errors_as_api_errors(exc: DjangoValidationError) -> Any:
    """Django's errors keyed the way DRF keys them (``non_field_errors``, not ``__all__``)."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail
