"""Serializer output without DRF's per-field machinery, same JSON.

DRF turns a record into a dict by asking every bound field, for every
record, for its attribute (``get_attribute`` walks ``source_attrs`` and
guards against callables) and then for its representation. For a page of
100 positions with nested briefs that is some 8,000 calls through generic
code, most of the request's time. A serializer with ``FastRepresentation``
instead compiles its fields once (per serializer instance, so once per
response) into plain getters and converters chosen by field type, and runs
those; any field it does not know is asked the DRF way. The output is the
same: ``None`` stays ``None``, choices, dates, datetimes and decimals are
formatted by the fields' own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from rest_framework import fields, relations, serializers
from rest_framework.settings import api_settings

from tracker.api.fields import BriefRelatedField, IdentityField

Step = tuple[str, Callable[[Any], Any]]
_NOT_GIVEN = object()

# Text fields represent a value as str(value); values read from the database are already str.
_TEXT = (fields.CharField, fields.SlugField, fields.URLField, fields.EmailField, fields.RegexField)


def _plain_getter(field: fields.Field) -> Callable[[Any], Any] | None:
    """Reads the attribute as DRF would, when its source is a plain attribute path."""
    source_attrs = getattr(field, "source_attrs", None)
    if not source_attrs or field.source == "*":
        return None
    return attrgetter(".".join(source_attrs))


def _converter(field: fields.Field) -> Callable[[Any], Any]:
    kind = type(field)
    if kind in _TEXT:
        return str
    if kind is fields.IntegerField:
        return int
    if kind is fields.DateField:
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if isinstance(output_format, str) and output_format.lower() == "iso-8601":
            return lambda value: value.isoformat()
    if kind is fields.ChoiceField:
        choices = field.choice_strings_to_values  # type: ignore[attr-defined]
        return lambda value: value if value == "" else choices.get(str(value), value)
    return field.to_representation


def _step(field: fields.Field) -> Step:
    name = field.field_name
    assert name is not None
    if isinstance(field, IdentityField):
        request = field.context.get("request")
        if request is None or field.context.get("format"):
            return name, field.to_representation
        return name, field.url_maker(request)
    getter = _plain_getter(field)
    if getter is None or isinstance(
        field, serializers.SerializerMethodField | serializers.BaseSerializer
    ):
        return name, _drf_way(field)
    if isinstance(field, BriefRelatedField):
        convert: Callable[[Any], Any] = field.to_representation
    elif isinstance(field, relations.ManyRelatedField):
        child = field.child_relation
        convert = lambda manager: [child.to_representation(item) for item in manager.all()]  # noqa: E731
    else:
        convert = _converter(field)

    def read(instance: Any) -> Any:
        try:
            value = getter(instance)
        except (AttributeError, KeyError, TypeError, ValueError):
            return _drf_way(field)(instance)
        return None if value is None else convert(value)

    return name, read


def _drf_way(field: fields.Field) -> Callable[[Any], Any]:
    def read(instance: Any) -> Any:
        try:
            attribute = field.get_attribute(instance)
        except fields.SkipField:
            return _NOT_GIVEN
        check = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read


class FastRepresentation(serializers.Serializer):
    """Compiles the readable fields once per serializer, then represents records with them."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        steps: list[Step] | None = self.__dict__.get("_steps")
        if steps is None:
            steps = self._steps = [_step(field) for field in self._readable_fields]
        result: dict[str, Any] = {}
        for name, read in steps:
            value = read(instance)
            if value is not _NOT_GIVEN:
                result[name] = value
        return result
