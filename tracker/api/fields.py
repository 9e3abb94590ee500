"""Relations that read as a nested brief and write as a plain key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

# Primary keys are 64-bit: a larger number cannot name a record, and the
# database would overflow comparing it.
MAX_ID = 2**63 - 1


class BriefRelatedField(serializers.RelatedField):
    """A relation shown as ``brief`` (slug, name, url, ...) and set by its key.

    ``"actor": "european-union"`` on the way in, ``"actor": {"slug":
    "european-union", "name": ...}`` on the way out, as NetBox does it.
    """

    default_error_messages = {
        "does_not_exist": "There is no {model} with {lookup} {value}.",
        "incorrect_type": "Expected the {lookup} of a {model}, got {data_type}.",
        "null_characters": "Null characters are not allowed.",
        "max_string_length": "Ensure this value has at most {max_length} characters.",
    }
    # Slugs and titles are short; a longer key cannot name a record.
    max_key_length = 300

    def __init__(
        self, *, brief: type[serializers.Serializer], lookup_field: str = "slug", **kwargs: Any
    ) -> None:
        self.brief = brief
        self.lookup_field = lookup_field
        model: type[Model] = getattr(brief, "Meta").model  # noqa: B009 (Meta is not typed)
        self._model_name = str(model._meta.verbose_name)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Model:
        expected: type = int if self.lookup_field == "pk" else str
        if isinstance(data, bool) or not isinstance(data, expected):
            self.fail(
                "incorrect_type",
                model=self._model_name,
                lookup="id" if self.lookup_field == "pk" else self.lookup_field,
                data_type=type(data).__name__,
            )
        if isinstance(data, str) and "\x00" in data:
            # PostgreSQL cannot even compare text containing NUL.
            self.fail("null_characters")
        if isinstance(data, str) and len(data) > self.max_key_length:
            self.fail("max_string_length", max_length=self.max_key_length)
        if isinstance(data, int) and not 0 < data <= MAX_ID:
            self.fail("does_not_exist", model=self._model_name, lookup="id", value=str(data)[:100])
        queryset = self.get_queryset()
        assert queryset is not None, "a writable BriefRelatedField needs a queryset"
        try:
            return queryset.get(**{self.lookup_field: data})
        except (ObjectDoesNotExist, ValueError, TypeError):
            self.fail(
                "does_not_exist",
                model=self._model_name,
                lookup="id" if self.lookup_field == "pk" else self.lookup_field,
                value=str(data)[:100],
            )

    def to_representation(self, value: Any) -> Any:
        return self.brief(value, context=self.context).data

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        # The browsable API's form needs hashable keys: the plain lookup value.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {getattr(item, self.lookup_field): self.display_value(item) for item in queryset}


class BriefRelatedFieldExtension(OpenApiSerializerFieldExtension):
    """Responses reference the brief component; requests take the key."""

    target_class = BriefRelatedField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: str) -> Any:
        field: BriefRelatedField = self.target
        if direction == "response":
            return auto_schema.resolve_serializer(field.brief, direction).ref
        if field.lookup_field == "pk":
            return {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
        return build_basic_type(OpenApiTypes.STR)
