"""Reading one row's values: types, empty values, and relations by natural key.

A ``RowValues`` takes the values of a row one field at a time and collects
what is wrong with them, by field, so one bad row yields every reason at once.
Relations are resolved against the in-memory ``Index``; a slug that names a
record still waiting in the current batch raises ``NeedsFlush``, and the
loader writes the batch and reads the row again.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Hashable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from bulkload.index import Index
from bulkload.readers import CSV_SEPARATOR, Row
from tracker.declarations import Declared, Flat, Resource, flat_fields
from tracker.limits import LIST_LIMITS, too_many_message


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


# A field the row leaves out: on an update it keeps its value.
UNSET: Any = _Unset()

TEXT_FIELDS = (models.CharField, models.TextField)


class NeedsFlush(Exception):
    """The row refers to a record that is waiting, unwritten, in this batch."""


def text_problem(value: str) -> str:
    if "\x00" in value:
        # PostgreSQL cannot even compare text containing NUL.
        return "Null characters are not allowed."
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: bytes that were not UTF-8
            return "The text is not valid UTF-8."
    return ""


@functools.cache
def _kind_of(model: type[models.Model], name: str) -> tuple[str, bool]:
    """How a field's value is read: as a list, as text (dates too) or as a number."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is not a column"
    if isinstance(field, models.JSONField):
        kind = "list"
    elif isinstance(field, (*TEXT_FIELDS, models.DateField)):
        kind = "text"
    elif isinstance(field, models.IntegerField):
        kind = "integer"
    else:
        kind = "number"
    return kind, bool(field.null)


class RowValues:
    def __init__(self, row: Row, index: Index, waiting: dict[tuple[str, Hashable], Any]) -> None:
        self.data = dict(row.data)
        self.from_csv = row.from_csv
        self.index = index
        self.waiting = waiting
        self.errors: dict[str, list[str]] = {}
        # The id the row gives (the API's CSV does): it names the record to update.
        self.match_id: int | None = None

    def accept_flat(self, resource: Resource) -> None:
        """Take the row as the API's CSV writes it: ``actor_slug`` is ``actor``,
        ``source_ids`` are the ``sources`` by id; the id names the record; the
        timestamps and the names shown beside a slug are read-only and ignored.
        """
        for declared in flat_fields(resource):
            header = declared.header
            for shown, _ in declared.shown_headers():
                self.data.pop(shown, None)
            if declared.flat is Flat.READ_ONLY:
                raw = self.data.pop(header, None)
                if header == "id" and raw not in (None, ""):
                    self.match_id = self.record_id(header, raw)
                continue
            if header == declared.name or header not in self.data:
                continue
            raw = self.data.pop(header)
            if declared.name in self.data:
                self.error(header, f"Give {declared.name} or {header}, not both.")
            elif declared.flat is Flat.IDS and isinstance(raw, str):
                items = [item.strip() for item in raw.split(CSV_SEPARATOR) if item.strip()]
                ids = [self.record_id(header, item) for item in items]
                self.data[declared.name] = [pk for pk in ids if pk is not None]
            elif declared.flat is Flat.ID and isinstance(raw, str) and raw.strip():
                self.data[declared.name] = self.record_id(header, raw)
            else:
                self.data[declared.name] = raw

    def record_id(self, name: str, raw: Any) -> Any:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw.strip())
        self.error(name, f"Expected an id, got {raw!r}.")
        return None

    # Plumbing

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def take(self, name: str) -> Any:
        return self.data.pop(name, UNSET)

    def given(self, name: str) -> bool:
        return name in self.data

    def refuse_the_rest(self) -> None:
        """Whatever the record type did not take is a mistake (a misspelt field, say).

        An empty CSV cell is not: a CSV file with a type column has the columns
        of every type it holds, and a row leaves the other types' cells empty.
        """
        unknown = [name for name, value in self.data.items() if not (self.from_csv and value == "")]
        if unknown:
            self.error(
                ", ".join(unknown), "Unknown field." if len(unknown) == 1 else "Unknown fields."
            )

    def items(self, name: str) -> list[Any] | Any:
        """A list value: a JSON list, or a ``|``-joined CSV cell."""
        raw = self.take(name)
        if raw is UNSET:
            return UNSET
        if raw is None or raw == "":
            return []
        if isinstance(raw, str) and self.from_csv:
            raw = [item.strip() for item in raw.split(CSV_SEPARATOR) if item.strip()]
        if not isinstance(raw, list):
            self.error(name, "Expected a list.")
            return UNSET
        # The API's bounds, checked before any item is read or resolved.
        limit = LIST_LIMITS.get(name)
        if limit is not None and len(raw) > limit:
            self.error(name, too_many_message(limit))
            return UNSET
        return raw

    # Plain values: checked for type here, validated by the model's clean_fields

    def value(self, model: type[models.Model], name: str, field_name: str = "") -> Any:
        """The value of ``name``, for the model field ``field_name`` (the same by default)."""
        raw = self.take(name)
        if raw is UNSET:
            return UNSET
        kind, null = _kind_of(model, field_name or name)
        if kind == "list":
            self.data[name] = raw
            items = self.items(name)
            for item in items if items is not UNSET else []:
                problem = text_problem(item) if isinstance(item, str) else ""
                if problem:
                    self.error(name, problem)
                    return UNSET
            return items
        if raw is None or raw == "":
            return None if null else ""
        if kind == "text":
            if not isinstance(raw, str):
                self.error(name, f"Expected text, got {type(raw).__name__}.")
                return UNSET
            problem = text_problem(raw)
            if problem:
                self.error(name, problem)
                return UNSET
            # The API trims text the same way.
            return raw.strip()
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.error(name, f"Expected a number, got {type(raw).__name__}.")
            return UNSET
        if kind == "integer" and isinstance(raw, float) and not raw.is_integer():
            # Django would cut 2.5 down to 2; the API refuses it.
            self.error(name, "A valid integer is required.")
            return UNSET
        return raw

    def values(self, model: type[models.Model], fields: Iterable[Declared]) -> dict[str, Any]:
        """The plain values of ``fields`` that the row gives, by model field."""
        found = {}
        for declared in fields:
            if declared.name in self.data:
                value = self.value(model, declared.name, declared.field)
                if value is not UNSET:
                    found[declared.field] = value
        return found

    def date(
        self, model: type[models.Model], name: str, field_name: str = ""
    ) -> datetime.date | None:
        """A date that is part of a natural key, so converted now (left out: empty)."""
        raw = self.value(model, name, field_name)
        if raw is UNSET or raw is None:
            return None  # a wrong type is already recorded as an error
        try:
            return model._meta.get_field(field_name or name).to_python(raw)  # type: ignore[union-attr]
        except ValidationError as exc:
            for message in exc.messages:
                self.error(name, message)
            return None

    def text(self, name: str, *, required: bool = False) -> str | Any:
        raw = self.take(name)
        if raw is UNSET or raw is None or raw == "":
            if required:
                self.error(name, "This field is required.")
                return UNSET
            return "" if raw is not UNSET else UNSET
        if not isinstance(raw, str):
            self.error(name, f"Expected text, got {type(raw).__name__}.")
            return UNSET
        problem = text_problem(raw)
        if problem:
            self.error(name, problem)
            return UNSET
        return raw.strip()

    # Relations by natural key

    def _wait_if_pending(self, kind: str, key: Hashable) -> None:
        if (kind, key) in self.waiting:
            raise NeedsFlush

    def actor(self, name: str, *, required: bool = False) -> Any:
        slug = self.text(name, required=required)
        if slug is UNSET or slug == "":
            return None if slug == "" else UNSET
        actor = self.index.actors.get(slug)
        if actor is None:
            self._wait_if_pending("actor", slug)
            self.error(name, f"There is no actor with slug {slug}.")
            return UNSET
        return actor

    def slug_id(self, name: str, kind: str, known: dict[str, int]) -> Any:
        slug = self.text(name)
        if slug is UNSET or slug == "":
            return None if slug == "" else UNSET
        pk = known.get(slug)
        if pk is None:
            self._wait_if_pending(kind, slug)
            self.error(name, f"There is no {kind} with slug {slug}.")
            return UNSET
        return pk

    def event(self, name: str) -> Any:
        return self.slug_id(name, "event", self.index.events)

    def conflict(self, name: str) -> Any:
        return self.slug_id(name, "conflict", self.index.conflicts)

    def actors(self, name: str) -> frozenset[int] | Any:
        slugs = self.items(name)
        if slugs is UNSET:
            return UNSET
        ids = set()
        for slug in slugs:
            actor = self.index.actors.get(slug) if isinstance(slug, str) else None
            if actor is None:
                if isinstance(slug, str):
                    self._wait_if_pending("actor", slug)
                self.error(name, f"There is no actor with slug {slug}.")
                continue
            ids.add(actor.pk)
        return frozenset(ids)

    def sources(self, *, required: bool) -> frozenset[int] | Any:
        """Cited sources: by the key of a source record of this run, a URL, or
        (JSON Lines) an object with the title and publisher of a source without URL."""
        references = self.items("sources")
        if references is UNSET and "sources" in self.errors:
            return UNSET  # not a list, or too long: already said
        if references is UNSET or not references:
            if required:
                self.error("sources", "Cite at least one source.")
                return UNSET
            return frozenset() if references is not UNSET else UNSET
        ids = set()
        for reference in references:
            pk = self._source(reference)
            if pk is not None:
                ids.add(pk)
        return frozenset(ids)

    def _source(self, reference: Any) -> int | None:
        index = self.index
        if isinstance(reference, dict):
            title, publisher = reference.get("title"), reference.get("publisher") or ""
            if (
                not isinstance(title, str)
                or not isinstance(publisher, str)
                or set(reference)
                - {
                    "title",
                    "publisher",
                }
            ):
                self.error("sources", "A source object has a title and, maybe, a publisher.")
                return None
            found = index.sources_by_title.get((title.strip(), publisher.strip()), [])
            if len(found) == 1:
                return found[0]
            self._wait_if_pending("source-title", (title.strip(), publisher.strip()))
            self.error(
                "sources",
                f"{len(found)} sources without URL have the title {title!r} and publisher "
                f"{publisher!r}; refer to one by its URL or key."
                if found
                else f"There is no source without URL titled {title!r} by {publisher!r}.",
            )
            return None
        if isinstance(reference, int) and not isinstance(reference, bool):
            # An id, as the API gives sources (source_ids in its CSV).
            if reference in index.source_ids:
                return reference
            self.error("sources", f"There is no source with id {reference}.")
            return None
        if not isinstance(reference, str):
            self.error("sources", f"Expected a source key or URL, got {type(reference).__name__}.")
            return None
        if reference.startswith(("http://", "https://")):
            pk = index.sources_by_url.get(reference)
            if pk is None:
                self._wait_if_pending("source-url", reference)
                self.error("sources", f"There is no source with URL {reference}.")
            return pk
        pk = index.source_keys.get(reference)
        if pk is None:
            self._wait_if_pending("source-key", reference)
            self.error(
                "sources",
                f"No source record of this run has the key {reference!r}.",
            )
        return pk
