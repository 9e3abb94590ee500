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
import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models.manager import BaseManager
from rest_framework import fields, relations, serializers
from rest_framework.settings import api_settings

from tracker.api.fields import BriefRelatedField, IdentityField, brief_maker
from tracker.api.queries import prefetched_attribute
from tracker.api.records import Record

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


def _related_records(field: fields.Field, manager_of: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A to-many relation's records: the list ``briefs_of`` prefetched, else the manager's."""
    assert field.source is not None  # bound fields always have one
    prefetched = prefetched_attribute(field.source)

    def records(instance: Any) -> Any:
        found = getattr(instance, "__dict__", {}).get(prefetched, _NOT_GIVEN)
        return manager_of(instance).all() if found is _NOT_GIVEN else found

    return records


def _datetime_converter(field: fields.Field) -> Callable[[Any], Any]:
    """ISO 8601 in the field's zone, ``Z`` for UTC; DRF's own method for anything else.

    The database hands back values in UTC (the connection's zone): while the
    field's zone is UTC too, as it is unless a request activates another,
    they need no conversion, only formatting.
    """
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()  # type: ignore[attr-defined]
    if not (isinstance(output_format, str) and output_format.lower() == "iso-8601") or zone is None:
        return field.to_representation

    # psycopg gives UTC values datetime.UTC, Django's zone is ZoneInfo("UTC"): the same instants.
    same = {zone, datetime.UTC} if getattr(zone, "key", None) == "UTC" else {zone}

    def convert(value: Any) -> Any:
        if getattr(value, "tzinfo", None) not in same:
            return field.to_representation(value)
        text: str = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


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
    if kind is fields.DateTimeField:
        return _datetime_converter(field)
    if kind is fields.ChoiceField:
        choices = field.choice_strings_to_values  # type: ignore[attr-defined]
        return lambda value: value if value == "" else choices.get(str(value), value)
    return field.to_representation


def _missing_on_record(field: fields.Field) -> ImproperlyConfigured:
    # A model instance loads a deferred column when asked; a record cannot, and
    # DRF would quietly leave the field out of the JSON.
    return ImproperlyConfigured(
        f"{type(field.parent).__name__}.{field.field_name}: the record has no "
        f"{field.source!r}; the read queryset must load it"
    )


def _drf_way(field: fields.Field) -> Callable[[Any], Any]:
    def read(instance: Any) -> Any:
        try:
            attribute = field.get_attribute(instance)
        except fields.SkipField:
            if isinstance(instance, Record):
                raise _missing_on_record(field) from None
            return _NOT_GIVEN
        check = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
        return None if check is None else field.to_representation(attribute)

    return read


def _bound(field: fields.Field, parent: serializers.Serializer) -> fields.Field:
    copied = copy.deepcopy(field)
    copied.bind(field.field_name, parent)  # type: ignore[arg-type]
    return copied


def _nested(bound: fields.Field) -> Callable[[Any], Any] | None:
    """A nested fast serializer, or a list of them, called directly rather than the DRF way."""
    if isinstance(bound, FastRepresentation):
        return bound.to_representation
    child = getattr(bound, "child", None)
    # A list serializer of its own may represent the list its own way.
    if type(bound) is not serializers.ListSerializer or not isinstance(child, FastRepresentation):
        return None
    represent = child.to_representation

    def each(items: Any) -> list[Any]:
        # As ListSerializer: a related manager stands for its records.
        records = items.all() if isinstance(items, BaseManager) else items
        return [represent(item) for item in records]

    return each


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
        getter = _related_records(field, getter)
        convert = lambda records: [make(item) for item in records]  # noqa: E731
    elif isinstance(field, _CONTEXT_FREE) and getter is not None:
        convert = _converter(field)
    elif isinstance(field, FastRepresentation | serializers.ListSerializer) and getter is not None:
        bound = _bound(field, parent)
        nested = _nested(bound)
        if nested is None:
            return name, _drf_way(bound)
        convert = nested
    else:
        return name, _drf_way(_bound(field, parent))
    # Bound only when first needed: copying a field costs more than reading a page.
    fallback: list[Callable[[Any], Any]] = []

    def read(instance: Any) -> Any:
        try:
            value = getter(instance)
        except (AttributeError, KeyError, TypeError, ValueError):
            if isinstance(instance, Record):
                raise _missing_on_record(field) from None
            # Missing attributes, defaults, callables: DRF's rules decide.
            if not fallback:
                fallback.append(_drf_way(_bound(field, parent)))
            return fallback[0](instance)
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


class UniformRepresentation(FastRepresentation):
    """A mapping whose fields differ only in their keys: one converter serves them all.

    A response matrix has a row per actor, each with a count and a list of
    positions under every stance: 24 fields a row, over a thousand rows for a
    busy event. Read by key and converted by one field's converter, a row
    costs a fraction of 24 compiled steps. Anything else (another kind of
    field among them, a value that is not a mapping, a key missing) is read
    field by field, as ``FastRepresentation`` reads it.
    """

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan: tuple[list[str], Callable[[Any], Any]] | None
        plan = self.__dict__.get("_uniform", _NOT_GIVEN)
        if plan is _NOT_GIVEN:
            plan = self._uniform = self._uniform_plan()
        if plan is None or type(instance) is not dict:
            return super().to_representation(instance)
        names, convert = plan
        try:
            values = [instance[name] for name in names]
        except KeyError:
            return super().to_representation(instance)
        return {
            name: None if value is None else convert(value)
            for name, value in zip(names, values, strict=True)
        }

    def _uniform_plan(self) -> tuple[list[str], Callable[[Any], Any]] | None:
        prototypes = prototype_fields(type(self))
        first = prototypes[0]
        kind = (type(first), type(getattr(first, "child", None)))
        if any((type(f), type(getattr(f, "child", None))) != kind for f in prototypes):
            return None
        if any(f.source != f.field_name for f in prototypes):
            return None
        if isinstance(first, _CONTEXT_FREE):
            return [str(f.field_name) for f in prototypes], _converter(first)
        if isinstance(first, FastRepresentation | serializers.ListSerializer):
            nested = _nested(_bound(first, self))
            if nested is not None:
                return [str(f.field_name) for f in prototypes], nested
        return None
