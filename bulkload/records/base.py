"""What every record type shares: pending rows, links, and the type's interface."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Model

from bulkload.fields import RowValues
from bulkload.index import Index
from bulkload.sql import chunked
from tracker.declarations import Resource, by_field, plain


@dataclass(frozen=True)
class Links:
    """A to-many relation, written as rows of its link table."""

    name: str  # the field in the file
    through: type[Model]
    parent: str  # the link table's column naming the record
    target: str  # its column naming the linked record
    extra: str = ""  # a column that is part of each link (how two events relate)

    def columns(self) -> tuple[str, ...]:
        return (self.target, self.extra) if self.extra else (self.target,)

    def current(self, ids: list[int], using: str) -> dict[int, frozenset[Any]]:
        """The links of these records, as the file would give them."""
        found: dict[int, set[Any]] = {}
        for some in chunked(ids):
            rows = (
                self.through._default_manager.using(using)
                .filter(**{f"{self.parent}__in": some})
                .values_list(self.parent, *self.columns())
            )
            for parent, *linked in rows:
                found.setdefault(parent, set()).add(tuple(linked) if self.extra else linked[0])
        return {pk: frozenset(links) for pk, links in found.items()}

    def delete(self, ids: list[int], using: str) -> None:
        """Remove the links of these records (before writing their new ones)."""
        for some in chunked(ids):
            self.through._default_manager.using(using).filter(
                **{f"{self.parent}__in": some}
            ).delete()

    def row_columns(self) -> tuple[str, ...]:
        return (self.parent, *self.columns())

    def rows(self, pk: int, links: Iterable[Any]) -> list[tuple[Any, ...]]:
        """Rows of the link table, in the order of ``row_columns``."""
        if self.extra:
            return [(pk, target, extra) for target, extra in sorted(links)]
        return [(pk, target) for target in sorted(links)]


def sources_of(model: type[Model]) -> Links:
    through = model._meta.get_field("sources").remote_field.through  # type: ignore[union-attr]
    return Links("sources", through, f"{model._meta.model_name}_id", "source_id")


@dataclass(eq=False)
class Pending:
    """A row that was read and resolved, waiting to be validated and written."""

    line: int
    record: RecordType
    key: Hashable
    existing_id: int | None
    # Model field name (or the attname of a relation given by id) -> value.
    values: dict[str, Any]
    links: dict[str, frozenset[Any]] = field(default_factory=dict)
    source_key: str = ""


class RecordType:
    name: ClassVar[str]
    model: ClassVar[type[Model]]
    links: ClassVar[tuple[Links, ...]] = ()
    # The resource's fields (tracker.declarations): the plain ones are read as
    # they are (FIELDS), ``reads`` are those that ``read`` resolves itself
    # (natural keys, relations); the rest of a flat row is read-only.
    declaration: ClassVar[Resource] = ()
    reads: ClassVar[tuple[str, ...]] = ()

    def accepted(self) -> set[str]:
        """The API names of the fields this type writes."""
        return {declared.name for declared in plain(self.declaration)} | set(self.reads)

    def api_errors(self, errors: dict[str, list[str]]) -> dict[str, list[str]]:
        """Errors keyed by the API's names (``link``, not the model's ``url``)."""
        names = by_field(self.declaration)
        return {names.get(key, key): messages for key, messages in errors.items()}

    def read(self, values: RowValues, line: int) -> Pending | None:
        """Resolve a row; None when it has errors (left in ``values.errors``)."""
        raise NotImplementedError

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        """How later rows of the batch may refer to this record before it has an id."""
        return []

    def check(self, pending: Pending, instance: Model, before: dict[str, Any] | None) -> Any:
        """Rules of this type beyond the model's validation; a dict of errors."""
        return {}

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        """Keep the index in step with what was written."""

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @staticmethod
    def existing(values: RowValues, found: list[int] | None, what: str) -> int | None:
        if not found or values.match_id is not None:
            # A row with an id updates that record (see the loader).
            return None
        if len(found) > 1:
            values.error(
                "__all__",
                f"{len(found)} existing {what} have this natural key (ids "
                f"{', '.join(map(str, sorted(found)))}); tell them apart in the admin or the API.",
            )
        return found[0]
