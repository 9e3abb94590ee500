"""One declaration per resource: each field named once, for every surface that writes it.

A resource is a tuple of ``Declared`` fields, in the API's order. Each names
the field as the API does, the model field behind it when that differs, and
how the field is written in a flat row (CSV, admin import and export, bulk
load). From it come the serializer's ``Meta.fields``, the CSV columns of
``?format=csv`` and ``export/`` (``tracker.api.export``), the admin import
resources (``tracker.imports``) and the columns the bulk loader accepts
(``bulkload``); ``tests/test_field_coverage.py`` fails when a model field is
on none of them.

To add a field: add it to the model (and a migration) and one ``Declared``
line to the resource (``actors/declarations.py``, ``responses/declarations.py``).
A relation also needs its serializer field, as before (``actor_field()``, say).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Flat(StrEnum):
    """How a field is written in a flat row."""

    VALUE = "value"  # the value itself (text, number, date, choice)
    LIST = "list"  # a list of strings, joined with |
    SLUG = "slug"  # a relation, as the related record's slug: column ``<name>_slug``
    ID = "id"  # a relation, as the related record's id: column ``<name>_id``
    SLUGS = "slugs"  # a to-many relation, slugs joined with |
    IDS = "ids"  # a to-many relation, ids joined with |
    # A to-many relation whose links say how they relate: kind:slug items joined
    # with | (follows:trump-putin-call).
    LINKS = "links"
    READ_ONLY = "read_only"  # written out, ignored when read back (timestamps; id matches)
    API_ONLY = "api_only"  # in the API's JSON only: the record's address, computed values


SEPARATOR = "|"

RELATIONS = (Flat.SLUG, Flat.ID)
MANY = (Flat.SLUGS, Flat.IDS, Flat.LINKS)


@dataclass(frozen=True)
class Declared:
    """One field of a resource."""

    name: str  # as the API names it
    flat: Flat = Flat.VALUE
    path: str = ""  # the model field, when its name differs from the API's
    column: str = ""  # the CSV header, when it is not derived from the name
    # Fields of the related record written beside its key, for people reading
    # the CSV (actor_name); read-only like the timestamps.
    shown: tuple[str, ...] = ()
    link: str = ""  # LINKS: the link table's field that says how two records relate

    @property
    def field(self) -> str:
        """The model field."""
        return self.path or self.name

    @property
    def header(self) -> str:
        """The CSV column that holds the field."""
        if self.column:
            return self.column
        if self.flat is Flat.SLUG:
            return f"{self.name}_slug"
        if self.flat is Flat.ID:
            return f"{self.name}_id"
        return self.name

    def shown_headers(self) -> list[tuple[str, str]]:
        """(header, model path) of each related field shown beside the key."""
        return [(f"{self.name}_{name}", f"{self.field}__{name}") for name in self.shown]

    @property
    def writable(self) -> bool:
        return self.flat not in (Flat.READ_ONLY, Flat.API_ONLY)


Resource = tuple[Declared, ...]

TIMESTAMPS = (Declared("created_at", Flat.READ_ONLY), Declared("updated_at", Flat.READ_ONLY))
# The record's own address in the API, and its id: the id matches a row to its record.
IDENTITY = (Declared("url", Flat.API_ONLY), Declared("id", Flat.READ_ONLY))


def api_fields(resource: Resource) -> list[str]:
    """The serializer's ``Meta.fields``."""
    return [declared.name for declared in resource]


def flat_fields(resource: Resource) -> list[Declared]:
    """The fields a flat row holds, in the order of its columns: to-many last."""
    shown = [declared for declared in resource if declared.flat is not Flat.API_ONLY]
    return [d for d in shown if d.flat not in MANY] + [d for d in shown if d.flat in MANY]


def headers(resource: Resource) -> list[str]:
    """Every column of a flat row, the shown fields of relations included."""
    found = []
    for declared in flat_fields(resource):
        found.append(declared.header)
        found += [header for header, _ in declared.shown_headers()]
    return found


def plain(resource: Resource, besides: Iterable[str] = ()) -> tuple[Declared, ...]:
    """The writable fields written as values or lists, except the named ones."""
    skipped = set(besides)
    return tuple(
        declared
        for declared in resource
        if declared.flat in (Flat.VALUE, Flat.LIST) and declared.name not in skipped
    )


def by_field(resource: Resource) -> dict[str, str]:
    """Model field -> API name, for naming errors as the API does."""
    return {declared.field: declared.name for declared in resource if declared.path}
