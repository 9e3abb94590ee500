"""Serializer output without DRF's per-field machinery, same JSON.

DRF builds a serializer's fields for every serializer instance (a
ModelSerializer introspects its model each time) and then, for every
record, asks every field for its attribute (``get_attribute`` walks
``source_attrs`` and guards against callables) and its representation. For
a page of 100 positions with nested briefs that is thousands of calls
through generic code, most of the request's time.

A ``FastRepresentation`` serializer builds its fields once per class (a
prototype) and compiles them, once per serializer instance, into plain
getters and converters chosen by field type. Fields that depend on the
request (record URLs, briefs, method fields, nested serializers) are
compiled against this instance's context; any other field type it does not
know is bound to this instance and asked the DRF way. The output is the
same (a test compares it with DRF's for every resource): ``None`` stays
``None``; choices, dates, datetimes and decimals follow the fields' rules.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import fields, relations, serializers
from rest_framework.settings import api_settings

from tracker.api.fields import BriefRelatedField, IdentityField, brief_maker

Step = tuple[str, Callable[[Any], Any]]
_NOT_GIVEN = object()

# Text fields represent a value as str(value); values read from the database are already str.
_TEXT = (fields.CharField, fields.SlugField, fields.URLField, fields.EmailField, fields.RegexField)
# Fields whose representation depends on nothing but the value.
_CONTEXT_FREE = (
    *_TEXT,
    fields.IntegerField,
    fields.FloatField,
    fields.DecimalField,
    fields.BooleanField,
    fields.DateField,
    fields.DateTimeField,
    fields.ChoiceField,
    fields.JSONField,
    fields.ListField,
    fields.ReadOnlyField,
)

_prototypes: dict[type, list[fields.Field]] = {}
_is_mapping: dict[type, bool] = {}


def prototype_fields(serializer_class: type[serializers.Serializer]) -> list[fields.Field]:
    """The readable fields of a serializer class, built once."""
    found = _prototypes.get(serializer_class)
    if found is None:
        found = _prototypes[serializer_class] = list(serializer_class(context={})._readable_fields)
    return found


def _getter(field: fields.Field) -> Callable[[Any], Any] | None:
    """Reads the attribute as DRF does (mappings by key), for a plain source."""
    source_attrs = getattr(field, "source_attrs", None)
    if not source_attrs or field.source == "*":
        return None
    if len(source_attrs) > 1:
        return lambda instance: fields.get_attribute(instance, source_attrs)
    name = source_attrs[0]

    def get(instance: Any) -> Any:
        kind = type(instance)
        mapping = _is_mapping.get(kind)
        if mapping is None:  # an ABC check is slow: once per type
            mapping = _is_mapping[kind] = isinstance(instance, Mapping)
        return instance[name] if mapping else getattr(instance, name)

    return get


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


def _drf_way(field: fields.Field) -> Callable[[Any], Any]:
    def read(instance: Any) -> Any:
        try:
            attribute = field.get_attribute(instance)
        except fields.SkipField:
            return _NOT_GIVEN
        check = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read


def _bound(field: fields.Field, parent: serializers.Serializer) -> fields.Field:
    copied = copy.deepcopy(field)
    copied.bind(field.field_name, parent)  # type: ignore[arg-type]
    return copied


def _step(field: fields.Field, parent: serializers.Serializer) -> Step:
    name = field.field_name
    assert name is not None
    context: dict[str, Any] = parent.context  # type: ignore[assignment]
    request = context.get("request")
    if isinstance(field, IdentityField) and request is not None and not context.get("format"):
        return name, field.url_maker(request)
    if isinstance(field, serializers.SerializerMethodField):
        method = getattr(parent, field.method_name)
        return name, method
    getter = _getter(field)
    if isinstance(field, BriefRelatedField) and getter is not None:
        convert: Callable[[Any], Any] = brief_maker(field.brief, context)
    elif (
        isinstance(field, relations.ManyRelatedField)
        and isinstance(field.child_relation, BriefRelatedField)
        and getter is not None
    ):
        make = brief_maker(field.child_relation.brief, context)
        convert = lambda manager: [make(item) for item in manager.all()]  # noqa: E731
    elif isinstance(field, _CONTEXT_FREE) and getter is not None:
        convert = _converter(field)
    else:
        return name, _drf_way(_bound(field, parent))
    fallback = _drf_way(_bound(field, parent)) if isinstance(field, _CONTEXT_FREE) else None

    def read(instance: Any) -> Any:
        try:
            value = getter(instance)
        except (AttributeError, KeyError, TypeError, ValueError):
            # Missing attributes, defaults, callables: DRF's rules decide.
            return (fallback or _drf_way(_bound(field, parent)))(instance)
        return None if value is None else convert(value)

    return name, read


class FastRepresentation(serializers.Serializer):
    """Fields built once per class, compiled once per instance (see the module's docstring)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        steps: list[Step] | None = self.__dict__.get("_steps")
        if steps is None:
            steps = self._steps = [_step(field, self) for field in prototype_fields(type(self))]
        result: dict[str, Any] = {}
        for name, read in steps:
            value = read(instance)
            if value is not _NOT_GIVEN:
                result[name] = value
        return result
