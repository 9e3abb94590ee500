"""Rows read as plain records for JSON lists and details, instead of model instances.

A page of 100 positions with four related briefs and their sources builds
some 500 model instances and a related manager per record; serializing
them costs less than building them. A list only reads attributes, so
``as_records()`` turns a read queryset into one whose rows are ``Record``
objects: the same attributes (field names, ``<fk>_id`` columns, ``pk``,
annotations), related rows of ``select_related`` as nested records (or
``None``), ``briefs_of`` prefetches (plain lists of a many-to-many
relation's records) filled by one query on the join table, and prefetches of
the records that point at each by a foreign key (an event's relations) as
lists of records. Filters, ordering, counts and slicing are the queryset's
own; only the rows differ.

Records have no model methods, so only lists and details rendered as JSON
use them (the browsable API, CSV and writes keep model instances; details
read them by compiled SQL, tracker.api.compiled); tests compare their JSON
with the instances' for every resource that reads this way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ManyToManyField, ManyToOneRel, Model, OneToOneRel, Prefetch, QuerySet
from django.db.models.query import BaseIterable

Builder = Callable[[Sequence[Any]], "Record | None"]


class Record(SimpleNamespace):
    """A row read as attributes, as serializers read model instances."""


def record_builder(klass_info: dict[str, Any], select: list[Any]) -> Builder:
    """Row to record for one model of the query, with its select_related children."""
    if klass_info.get("from_parent"):
        raise TypeError("records do not read inherited models' parent rows")
    model: type[Model] = klass_info["model"]
    columns = klass_info["select_fields"]
    start, end = columns[0], columns[-1] + 1
    names = [select[index][0].target.attname for index in range(start, end)]
    pk_at = names.index(model._meta.pk.attname)
    related = klass_info.get("related_klass_infos", [])
    if any(info["reverse"] for info in related):
        raise TypeError("records follow foreign keys only, not reverse relations")
    children = [(info["field"].name, record_builder(info, select)) for info in related]

    def build(row: Sequence[Any]) -> Record | None:
        values = row[start:end]
        if values[pk_at] is None:  # a nullable relation that is not set
            return None
        record = Record(**dict(zip(names, values, strict=True)))
        record.pk = values[pk_at]
        for name, child in children:
            setattr(record, name, child(row))
        return record

    return build


class RecordIterable(BaseIterable):
    """Yields a ``Record`` for each row (see the module's docstring)."""

    def __iter__(self) -> Iterator[Record]:
        queryset = self.queryset
        compiler = queryset.query.get_compiler(using=queryset.db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        build = record_builder(compiler.klass_info, compiler.select)
        annotations = compiler.annotation_col_map.items()
        for row in compiler.results_iter(results):
            record = build(row)
            assert record is not None  # the main row always has its key
            for name, index in annotations:
                setattr(record, name, row[index])
            yield record


def _prefetched_relation(model: type[Model], lookup: Any) -> Any:
    """The relation of ``model`` a ``Prefetch`` with its own queryset names, one level deep."""
    if not isinstance(lookup, Prefetch) or lookup.queryset is None:
        return None
    if "__" in lookup.prefetch_through:
        return None
    try:
        return model._meta.get_field(lookup.prefetch_through)
    except FieldDoesNotExist:
        return None


def _brief_columns(model: type[Model], lookup: Any) -> list[str] | None:
    """The columns of a prefetch records can fill, or None.

    That is a plain list (``to_attr``) of the records of one of ``model``'s
    many-to-many fields, read with ``only()`` and nothing else: what
    ``briefs_of`` makes.
    """
    if not isinstance(lookup, Prefetch) or not lookup.to_attr:
        return None
    relation = _prefetched_relation(model, lookup)
    if not isinstance(relation, ManyToManyField) or lookup.queryset is None:
        return None  # a forward many-to-many only
    query = lookup.queryset.query
    names, deferred = query.deferred_loading
    if deferred or not names:
        return None
    if query.where or query.select_related or query.annotations or query.is_sliced:
        return None
    fields = lookup.queryset.model._meta
    if any(name != "pk" and fields.get_field(name).is_relation for name in names):
        return None  # a related record would read as its key
    return sorted(names) if _ordering(lookup) is not None else None


def _ordering(lookup: Prefetch) -> list[str] | None:
    """The prefetched records' order by field names, or None when it is not that simple."""
    assert lookup.queryset is not None
    order = lookup.queryset.query.order_by or lookup.queryset.model._meta.ordering or ()
    names = [name for name in order if isinstance(name, str) and name != "?"]
    return names if len(names) == len(order) else None


def briefs_rows(model: type[Model], lookup: Prefetch, owners: list[Any]) -> QuerySet[Any]:
    """The join table's rows for ``owners``' briefs: (owner key, brief key, brief columns...)."""
    columns = _brief_columns(model, lookup)
    if columns is None or lookup.queryset is None:
        raise TypeError(f"records cannot fill the prefetch of {lookup.prefetch_through!r}")
    field = model._meta.get_field(lookup.prefetch_through)
    through = field.remote_field.through  # type: ignore[union-attr]
    owner = field.m2m_field_name()  # type: ignore[union-attr]
    target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
    # The related model's own order, as Django's prefetch reads it.
    ordering = [
        f"-{target}__{name[1:]}" if name.startswith("-") else f"{target}__{name}"
        for name in _ordering(lookup) or ()
    ]
    return (
        through._default_manager.using(lookup.queryset.db)
        .filter(**{f"{owner}__in": owners})
        .order_by(*ordering)
        .values_list(f"{owner}_id", f"{target}__pk", *(f"{target}__{c}" for c in columns))
    )


def fill_briefs(
    records: list[Record], model: type[Model], lookup: Prefetch, rows: Iterable[Sequence[Any]]
) -> None:
    """Give each record the list of its briefs among ``briefs_rows``' rows."""
    names = ["pk", *(_brief_columns(model, lookup) or ())]
    found: dict[Any, list[Record]] = defaultdict(list)
    for owner_pk, *values in rows:
        found[owner_pk].append(Record(**dict(zip(names, values, strict=True))))
    for record in records:
        setattr(record, lookup.to_attr, found.get(record.pk, []))  # type: ignore[arg-type]


def reverse_relation(model: type[Model], lookup: Any) -> ManyToOneRel | None:
    """The one-to-many relation of a prefetch records can fill, or None.

    That is a ``Prefetch`` of records pointing at ``model``'s key by a foreign
    key, read by an unsliced queryset records can read that loads that key,
    and prefetches nothing further.
    """
    relation = _prefetched_relation(model, lookup)
    if not isinstance(relation, ManyToOneRel) or isinstance(relation, OneToOneRel):
        return None
    if lookup.queryset is None:
        return None
    if relation.field.target_field != model._meta.pk:  # records are matched on their key
        return None
    state: Any = lookup.queryset
    query = lookup.queryset.query
    if state._prefetch_related_lookups or query.annotations or query.is_sliced:
        return None
    names, deferred = lookup.queryset.query.deferred_loading
    if (relation.field.name in names) is deferred:  # the key would not be loaded
        return None
    return relation


def children_rows(model: type[Model], lookup: Prefetch, owners: list[Any]) -> QuerySet[Any]:
    """``lookup``'s records pointing at ``owners``, as records."""
    relation = reverse_relation(model, lookup)
    if relation is None or lookup.queryset is None:
        raise TypeError(f"records cannot fill the prefetch of {lookup.prefetch_through!r}")
    return as_records(lookup.queryset.filter(**{f"{relation.field.name}__in": owners}))


def fill_children(
    records: list[Record], model: type[Model], lookup: Prefetch, children: Iterable[Record]
) -> None:
    """Give each record the list of ``children_rows``' records pointing at it."""
    relation = reverse_relation(model, lookup)
    assert relation is not None
    key = relation.field.attname
    found: dict[Any, list[Record]] = defaultdict(list)
    for child in children:
        found[getattr(child, key)].append(child)
    for record in records:
        setattr(record, lookup.to_attr or lookup.prefetch_through, found.get(record.pk, []))


def _attach(records: list[Record], model: type[Model], lookup: Prefetch) -> None:
    """One query for every record's related records of ``lookup``."""
    owners = [record.pk for record in records]
    if reverse_relation(model, lookup) is not None:
        fill_children(records, model, lookup, children_rows(model, lookup, owners))
    else:
        fill_briefs(records, model, lookup, briefs_rows(model, lookup, owners))


class RecordQuerySet(QuerySet[Any]):
    """A queryset whose rows are ``Record`` objects (see the module's docstring)."""

    def _prefetch_related_objects(self) -> None:
        records: list[Record] = self._result_cache  # type: ignore[assignment]
        state: Any = self  # Django's private queryset state, which the stubs leave out
        for lookup in state._prefetch_related_lookups:
            if records:
                _attach(records, self.model, lookup)
        state._prefetch_done = True

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        # Django's chunked iteration prefetches through model descriptors,
        # which records do not have.
        raise TypeError("records are read a page at a time, not with iterator()")


def readable_as_records(queryset: QuerySet[Any]) -> bool:
    """Whether ``as_records`` can read this queryset: its prefetches are all
    ``briefs_of`` or records pointing at it by a foreign key."""
    state: Any = queryset
    return all(
        _brief_columns(queryset.model, lookup) is not None
        or reverse_relation(queryset.model, lookup) is not None
        for lookup in state._prefetch_related_lookups
    )


def as_records(queryset: QuerySet[Any]) -> RecordQuerySet:
    """The same query, read as records.

    Only for a queryset ``readable_as_records`` accepts: any other prefetch
    is a TypeError when the rows are read.
    """
    state: Any = queryset
    records = RecordQuerySet(
        model=queryset.model, query=queryset.query.chain(), using=state._db, hints=state._hints
    )
    copied: Any = records
    copied._prefetch_related_lookups = state._prefetch_related_lookups
    copied._iterable_class = RecordIterable
    return records
