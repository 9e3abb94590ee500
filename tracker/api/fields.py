"""Relations that read as a nested brief and write as a plain key, and record URLs.

A list of 100 positions shows some 600 briefs and URLs: a relation builds
its brief serializer once (not once per record), and a URL is its view's
path pattern with the key put in, not a fresh ``reverse()`` per record.
"""

from __future__ import annotations

import re
from typing import Any, NoReturn
from urllib.parse import quote

from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import MaxLengthValidator
from django.db.models import Model, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField

from tracker.limits import too_many_message

# Primary keys are 64-bit: a larger number cannot name a record, and the
# database would overflow comparing it.
MAX_ID = 2**63 - 1
# What a key that names no record gets, from the API and the admin import alike.
NO_SUCH_RECORD = "There is no {model} with {lookup} {value}."


class BriefRelatedField(serializers.RelatedField):
    """A relation shown as ``brief`` (slug, name, url, ...) and set by its key.

    ``"actor": "european-union"`` on the way in, ``"actor": {"slug":
    "european-union", "name": ...}`` on the way out, as NetBox does it.
    """

    default_error_messages = {
        "does_not_exist": NO_SUCH_RECORD,
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
        self.model: type[Model] = getattr(brief, "Meta").model  # noqa: B009 (Meta is not typed)
        self._model_name = str(self.model._meta.verbose_name)
        # Records looked up ahead, by key (None: no such record); see preload().
        self.preloaded: dict[Any, Model | None] = {}
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        """Every record of the brief's model, made when asked.

        Not given as ``queryset=``: every serializer instance deep-copies its
        fields' arguments, and a queryset's copy (an SQL tree) would be most of
        that cost.
        """
        return self.model._default_manager.all()

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> BriefManyRelatedField:
        """A bounded list of these relations, resolved in one query."""
        assert kwargs.get("read_only") or "max_length" in kwargs, (
            "a writable list of relations needs a max_length (see tracker.limits)"
        )
        list_kwargs: dict[str, Any] = {"max_length": kwargs.pop("max_length", None)}
        list_kwargs["child_relation"] = cls(*args, **kwargs)
        list_kwargs.update({key: kwargs[key] for key in kwargs if key in MANY_RELATION_KWARGS})
        return BriefManyRelatedField(**list_kwargs)

    @property
    def lookup_name(self) -> str:
        return "id" if self.lookup_field == "pk" else self.lookup_field

    def check_key(self, data: Any) -> Any:
        """The key as sent, once it could name a record (checked without the database)."""
        expected: type = int if self.lookup_field == "pk" else str
        if isinstance(data, bool) or not isinstance(data, expected):
            self.fail(
                "incorrect_type",
                model=self._model_name,
                lookup=self.lookup_name,
                data_type=type(data).__name__,
            )
        if isinstance(data, str) and "\x00" in data:
            # PostgreSQL cannot even compare text containing NUL.
            self.fail("null_characters")
        if isinstance(data, str) and len(data) > self.max_key_length:
            self.fail("max_string_length", max_length=self.max_key_length)
        if isinstance(data, int) and not 0 < data <= MAX_ID:
            self.fail("does_not_exist", model=self._model_name, lookup="id", value=str(data)[:100])
        return data

    def find_all(self, keys: list[Any]) -> dict[Any, Model]:
        """The records named by ``keys`` (checked ones), by key, in one query."""
        queryset = self.get_queryset()
        assert queryset is not None, "a writable BriefRelatedField needs a queryset"
        if not keys:
            return {}
        found = queryset.filter(**{f"{self.lookup_field}__in": set(keys)})
        return {getattr(record, self.lookup_field): record for record in found}

    def preload(self, keys: list[Any]) -> None:
        """Look ``keys`` up now, together, so ``to_internal_value`` runs no query for them.

        A list of nested records (related events, say) asks its child's field
        for one key per item; preloading makes that one query per list.
        """
        found = self.find_all(keys)
        self.preloaded = {key: found.get(key) for key in keys}

    def to_internal_value(self, data: Any) -> Model:
        key = self.check_key(data)
        if key in self.preloaded:
            record = self.preloaded[key]
            if record is None:
                self.fail_unknown([key])
            return record
        queryset = self.get_queryset()
        assert queryset is not None, "a writable BriefRelatedField needs a queryset"
        try:
            return queryset.get(**{self.lookup_field: key})
        except (ObjectDoesNotExist, ValueError, TypeError):
            self.fail_unknown([key])

    def fail_unknown(self, keys: list[Any]) -> NoReturn:
        shown = ", ".join(str(key)[:100] for key in keys[:20])
        more = f" and {len(keys) - 20} more" if len(keys) > 20 else ""
        self.fail(
            "does_not_exist", model=self._model_name, lookup=self.lookup_name, value=shown + more
        )

    # Built on first use: one brief serializer per field, so per response.
    brief_serializer: serializers.Serializer | None = None

    def to_representation(self, value: Any) -> Any:
        if self.brief_serializer is None:
            self.brief_serializer = self.brief(context=self.context)
        return self.brief_serializer.to_representation(value)

    def get_choices(self, cutoff: int | None = None) -> dict[Any, str]:
        # The browsable API's form needs hashable keys: the plain lookup value.
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {getattr(item, self.lookup_field): self.display_value(item) for item in queryset}


class BriefManyRelatedField(ManyRelatedField):
    """A list of ``BriefRelatedField`` keys: bounded, and resolved in one query.

    DRF's ``ManyRelatedField`` looks each item up on its own, so a list of
    20,000 ids is 20,000 queries. This one refuses a list over ``max_length``
    before any lookup, checks every key's type, then fetches them all with one
    ``filter(key__in=...)`` and names every unknown key in one error.
    """

    default_error_messages = {
        "max_length": "Ensure this field has no more than {max_length} elements."
    }

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        self.max_length = max_length
        super().__init__(*args, **kwargs)
        if max_length is not None:
            # As ListField does it: the validator puts maxItems in the schema.
            self.validators.append(
                MaxLengthValidator(max_length, message=too_many_message(max_length))
            )

    def to_internal_value(self, data: Any) -> list[Model]:
        if isinstance(data, str | bytes | dict) or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        items = list(data)
        if self.max_length is not None and len(items) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        if not self.allow_empty and not items:
            self.fail("empty")
        child = self.child_relation
        assert isinstance(child, BriefRelatedField)
        keys = [child.check_key(item) for item in items]
        found = child.find_all(keys)
        unknown = list(dict.fromkeys(key for key in keys if key not in found))
        if unknown:
            child.fail_unknown(unknown)
        return [found[key] for key in keys]


class BoundedListField(serializers.ListField):
    """A ``ListField`` that refuses a list over ``max_length`` before validating any item.

    DRF checks the length with the other validators, after every item, and
    reports the items' errors beside it.
    """

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, list) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class BoundedListSerializer(serializers.ListSerializer):
    """A list of nested records, bounded, whose relations cost one query per list.

    The bound is checked first and reported on the list itself (``{"related_events":
    [...]}``, not under ``non_field_errors``); then every writable
    ``BriefRelatedField`` of the child is preloaded with the keys of all items.
    """

    def __init__(self, *args: Any, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "max_length": max_length})
        self.limit = max_length
        if max_length is not None:
            self.validators.append(
                MaxLengthValidator(max_length, message=too_many_message(max_length))
            )

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, list):
            if self.limit is not None and len(data) > self.limit:
                raise serializers.ValidationError([too_many_message(self.limit)], code="max_length")
            child = self.child
            assert isinstance(child, serializers.Serializer)
            for name, field in child.fields.items():
                if isinstance(field, BriefRelatedField) and not field.read_only:
                    field.preload(self.keys_for(field, name, data))
        return super().to_internal_value(data)

    @staticmethod
    def keys_for(field: BriefRelatedField, name: str, items: list[Any]) -> list[Any]:
        keys = []
        for item in items:
            if isinstance(item, dict) and name in item:
                try:
                    keys.append(field.check_key(item[name]))
                except serializers.ValidationError:
                    continue  # the item's own validation reports it
        return keys


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


# A placeholder that every lookup pattern accepts: ids are digits (at most 18),
# slugs are letters, digits, - and _.
_KEY = "987654321987654321"
_path_templates: dict[tuple[str, str | None, str], str] = {}
# Text that quote() gives back as it is (ASCII letters and digits, and _.-~).
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]+").fullmatch


def key_in_path(key: Any) -> str:
    """A record's key as it appears in its URL's path, quoted as ``reverse()`` quotes it."""
    # Ids and slugs need no quoting: a matrix or a page makes thousands of URLs.
    if type(key) is int:
        return str(key)
    if type(key) is str and _UNQUOTED(key):
        return key
    return quote(str(key), safe=RFC3986_SUBDELIMS + "/~:@")


class IdentityField(serializers.HyperlinkedIdentityField):
    """A record's own URL, as HyperlinkedIdentityField gives it, without a reverse() per record.

    The view's path is reversed once (per script prefix) with a placeholder
    key, and the host part once per request.
    """

    # (request, head, tail) of the last request this field made URLs for.
    url_parts: tuple[Any, str, str] | None = None

    def to_representation(self, value: Any) -> Any:
        # Hot (a matrix or a page shows thousands): the context read once, and
        # the URL as a plain string. DRF wraps it in a Hyperlink, which only
        # names the record for the browsable API's choices of related records,
        # where a record's own URL never appears.
        context = self.context
        request = context.get("request")
        if request is None or context.get("format") or self.view_name is None:
            return super().to_representation(value)
        return self.get_url(value, self.view_name, request, None)

    def get_url(self, obj: Any, view_name: str, request: Any, format: Any) -> str | None:
        if format or request is None:
            return super().get_url(obj, view_name, request, format)
        if getattr(obj, "pk", None) in (None, ""):
            return None
        parts = self.url_parts
        if parts is None or parts[0] is not request:
            parts = self.url_parts = (request, *self.path_around_key(request))
        return parts[1] + key_in_path(getattr(obj, self.lookup_field)) + parts[2]

    def path_around_key(self, request: Any) -> tuple[str, str]:
        """The absolute URL of this view for ``request``, before and after the key."""
        template_key = (get_script_prefix(), self.view_name, self.lookup_url_kwarg)
        template = _path_templates.get(template_key)
        if template is None:
            template = reverse(self.view_name, kwargs={self.lookup_url_kwarg: _KEY})
            _path_templates[template_key] = template
        head, _, tail = template.partition(_KEY)
        return request.build_absolute_uri("/")[:-1] + head, tail
