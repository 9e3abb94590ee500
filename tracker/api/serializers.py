"""The serializer base every resource shares."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from rest_framework import serializers
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings

from tracker.api.representation import FastRepresentation


class BriefSerializer(FastRepresentation, serializers.ModelSerializer):
    """A record as it appears nested in others (read only)."""


class ValidatedModelSerializer(FastRepresentation, serializers.ModelSerializer):
    """Runs the model's own validation (``full_clean``) on every write.

    Cross-field rules and constraints live once, on the model, so the admin,
    the API and the loaders agree on what is valid.
    """

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
            raise serializers.ValidationError(model_errors_as_api_errors(exc)) from exc
        return attrs


def model_errors_as_api_errors(exc: DjangoValidationError) -> Any:
    """Django's errors keyed the way DRF keys them (``non_field_errors``, not ``__all__``)."""
    detail = get_error_detail(exc)
    if isinstance(detail, dict) and NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail
