"""Serializer output without DRF's per-field machinery, same JSON.

DRF builds a serializer's fields for every serializer instance (a
ModelSerializer introspects its model each time) and then, for every
record, asks every field for its attribute (``get_attribute`` walks
``source_attrs`` and guards against callables) and its representation. For
a page of 100 positions with nested briefs that is thousands of calls
through generic code, most of the request's time.

A ``FastRepresentation`` serializer builds its fields once per class (a
prototype) and compiles them into plain getters and converters chosen by
field type: once per class for the fields that depend on nothing else, once
per serializer instance for those that depend on the request (record URLs,
briefs, method fields, nested serializers) or the time zone (timestamps).
Any other field type it does not know is bound to this instance and asked
the DRF way. Records and dicts
whose fields all read one key are then read by one function written for
the serializer's fields (``_keyed_representation``). The output is the
same (a test compares it with DRF's for every resource): ``None`` stays
``None``; choices, dates, datetimes and decimals follow the fields' rules.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

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

# Ids are BigAutoFields; DRF 3.16 gives them a field that may write them as text.
_BIG_INTEGER = getattr(fields, "BigIntegerField", None)

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


def _plain_integer(field: fields.Field) -> bool:
    """An integer field that writes an int as it is (not a big integer written as text)."""
    kind = type(field)
    if kind is fields.IntegerField:
        return True
    coerced = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    return kind is _BIG_INTEGER and not coerced


def _passes_through(field: fields.Field) -> str | None:
    """The type (by name) whose values the field's converter returns unchanged, if any."""
    kind = type(field)
    if kind in _TEXT:
        return "str"
    if _plain_integer(field):
        return "int"
    if kind is fields.ChoiceField:
        choices = field.choice_strings_to_values  # type: ignore[attr-defined]
        if all(key == value and type(value) is str for key, value in choices.items()):
            return "str"  # text choices, which a text value maps to itself
    return None


def _converter(field: fields.Field) -> Callable[[Any], Any]:
    kind = type(field)
    if kind in _TEXT:
        return str
    if _plain_integer(field):
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


class _Part(NamedTuple):
    """How one field is read: from the whole instance, or by a getter and a converter.

    ``key`` is the attribute (or mapping key) the getter reads when it reads
    exactly one, which lets ``_keyed_representation`` read it by key;
    ``exact`` says the whole-instance reader always gives a value.
    """

    name: str
    whole: Callable[[Any], Any] | None = None
    exact: bool = True
    getter: Callable[[Any], Any] | None = None
    convert: Callable[[Any], Any] | None = None
    key: str | None = None
    same: str | None = None  # the type whose values ``convert`` returns unchanged


def _part(field: fields.Field, parent: serializers.Serializer) -> _Part:
    name = field.field_name
    assert name is not None
    context: dict[str, Any] = parent.context  # type: ignore[assignment]
    request = context.get("request")
    if isinstance(field, IdentityField) and request is not None and not context.get("format"):
        return _Part(name, whole=field.url_maker(request))
    if isinstance(field, serializers.SerializerMethodField):
        return _Part(name, whole=getattr(parent, field.method_name))
    getter = _getter(field)
    key = field.source_attrs[0] if getter is not None and len(field.source_attrs) == 1 else None
    if isinstance(field, BriefRelatedField) and getter is not None:
        convert: Callable[[Any], Any] = brief_maker(field.brief, context)
    elif (
        isinstance(field, relations.ManyRelatedField)
        and isinstance(field.child_relation, BriefRelatedField)
        and getter is not None
    ):
        assert field.source is not None  # bound fields always have one
        make = brief_maker(field.child_relation.brief, context)
        getter = _related_records(field, getter)
        convert = lambda records: [make(item) for item in records]  # noqa: E731
        key = prefetched_attribute(field.source)
    elif isinstance(field, _CONTEXT_FREE) and getter is not None:
        return _Part(
            name, getter=getter, convert=_converter(field), key=key, same=_passes_through(field)
        )
    elif isinstance(field, FastRepresentation | serializers.ListSerializer) and getter is not None:
        bound = _bound(field, parent)
        nested = _nested(bound)
        if nested is None:
            return _Part(name, whole=_drf_way(bound), exact=False)
        convert = nested
    else:
        return _Part(name, whole=_drf_way(_bound(field, parent)), exact=False)
    return _Part(name, getter=getter, convert=convert, key=key)


_shared_parts: dict[type, list[_Part | None]] = {}


def _shared_part(field: fields.Field) -> _Part | None:
    """The part of a field that depends on nothing but the field, or None.

    Most fields of a serializer are such (text, numbers, choices, dates), and
    a serializer instance (one a response) then only makes the parts of the
    others: URLs and briefs depend on the request, timestamps on the current
    time zone, nested serializers on their parent.
    """
    if not isinstance(field, _CONTEXT_FREE) or isinstance(field, fields.DateTimeField):
        return None
    if _getter(field) is None:
        return None
    # A context-free field reads nothing of its parent (the class's prototype).
    return _part(field, field.parent)  # type: ignore[arg-type]


def _step(part: _Part, field: fields.Field, parent: serializers.Serializer) -> Step:
    if part.whole is not None:
        return part.name, part.whole
    getter, convert = part.getter, part.convert
    assert getter is not None
    assert convert is not None
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

    return part.name, read


# (name, key, type left alone, read from the whole instance) for each field.
_Shape = tuple[tuple[str, str | None, str | None, bool], ...]
_written: dict[_Shape, Callable[..., dict[str, Any] | None]] = {}


def _write(shape: _Shape) -> Callable[..., dict[str, Any] | None]:
    """The function for one shape of fields, written once (see ``_keyed_representation``)."""
    lines = ["def represent(instance, d, f):", "    try:"]
    values = []
    for number, (name, key, same, whole) in enumerate(shape):
        if whole:
            lines.append(f"        v{number} = f[{number}](instance)")
            values.append(f"{name!r}: v{number}")
            continue
        lines.append(f"        v{number} = d[{key!r}]")
        value = f"None if v{number} is None else f[{number}](v{number})"
        if same is not None:
            value = f"v{number} if v{number}.__class__ is {same} else ({value})"
        values.append(f"{name!r}: {value}")
    lines += ["    except KeyError:", "        return None"]
    lines.append("    return {" + ", ".join(values) + "}")
    # Written from the serializer's own field names and keys, quoted by repr().
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)
    represent: Callable[..., dict[str, Any] | None] = namespace["represent"]
    return represent


def _keyed_representation(parts: list[_Part]) -> Callable[[Any], dict[str, Any] | None] | None:
    """One function that reads every field of a record (or a dict) by key.

    A page of 100 positions with their briefs is some 3,000 fields; read
    through a step each (a closure, a getter, a type check, a converter),
    they cost more than the rest of the request. A function is written for
    each shape of fields, as ``dataclasses`` writes ``__init__``: it looks
    each key up in the record's ``__dict__`` and converts it, and leaves
    text and integers that are already text and integers alone; each
    serializer instance (one a response) hands it its own converters. It
    answers ``None`` when a key is missing, so that the field-by-field read
    decides (a record then says which column its queryset lacks). ``None``
    if a field has no single key and is not read from the whole instance.
    """
    if any((part.whole is None and part.key is None) or not part.exact for part in parts):
        return None
    shape = tuple((part.name, part.key, part.same, part.whole is not None) for part in parts)
    represent = _written.get(shape)
    if represent is None:
        represent = _written[shape] = _write(shape)
    functions = tuple(part.convert if part.whole is None else part.whole for part in parts)

    def keyed(instance: Any) -> dict[str, Any] | None:
        kind = type(instance)
        if kind is Record:
            return represent(instance, instance.__dict__, functions)
        if kind is dict:
            return represent(instance, instance, functions)
        return None

    return keyed


class FastRepresentation(serializers.Serializer):
    """Fields built once per class, compiled once per instance (see the module's docstring)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        keyed = self.__dict__.get("_keyed", _NOT_GIVEN)
        if keyed is _NOT_GIVEN:
            keyed = self._keyed = _keyed_representation(self._parts())
        if keyed is not None:
            found = keyed(instance)
            if found is not None:
                return found
        steps: list[Step] | None = self.__dict__.get("_steps")
        if steps is None:
            prototypes = prototype_fields(type(self))
            steps = self._steps = [
                _step(part, field, self)
                for part, field in zip(self._parts(), prototypes, strict=True)
            ]
        result: dict[str, Any] = {}
        for name, read in steps:
            value = read(instance)
            if value is not _NOT_GIVEN:
                result[name] = value
        return result

    def _parts(self) -> list[_Part]:
        parts: list[_Part] | None = self.__dict__.get("_parts_of_fields")
        if parts is None:
            kind = type(self)
            shared = _shared_parts.get(kind)
            if shared is None:
                shared = _shared_parts[kind] = [_shared_part(f) for f in prototype_fields(kind)]
            parts = self._parts_of_fields = [
                _part(field, self) if part is None else part
                for part, field in zip(shared, prototype_fields(kind), strict=True)
            ]
        return parts


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
