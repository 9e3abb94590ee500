"""Validating a batch of pending records and writing it in bulk.

For each record type in the batch, in dependency order: the existing rows
are fetched with one query (and their links with one per relation), each row
is validated with the model's own rules (``clean_fields`` without the
per-relation existence queries, see ``cleaning``; then ``clean``, then the
database constraints evaluated in memory), and what changed is written in bulk,
records and link tables (see ``sql``; on PostgreSQL by a second thread while
the next rows are read, see ``background``).

Bulk writes send no ``post_save`` signals, so this module does what the
signal handlers do for a single save: it refreshes the PostgreSQL search
vectors of the written rows (and of the rows that show a renamed actor's or
event's name) and records a change-feed entry per created or updated record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from bulkload.background import Background
from bulkload.checks import check_constraint_errors
from bulkload.cleaning import FieldCleaner
from bulkload.history import insert_history
from bulkload.index import Index
from bulkload.records import RECORD_TYPES, Links, Pending, RecordType
from bulkload.sql import (
    NewRows,
    allocate_ids,
    check_foreign_keys,
    insert_rows,
    insert_staged,
    new_rows,
    stage_records,
    update_records,
)
from responses.models import Change, ChangeAction, Event, Measure, Position
from responses.signals import FEED_RESOURCES, SEARCHABLE
from tracker.search import refresh_search_vectors
from webhooks.matching import queue_deliveries_for

Errors = dict[str, list[str]]


@dataclass
class Tally:
    """What a unit of work did, by record type (its plural label)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.created.update(other.created)
        self.updated.update(other.updated)
        self.unchanged.update(other.unchanged)

    def rows(self) -> int:
        return (
            sum(self.created.values()) + sum(self.updated.values()) + sum(self.unchanged.values())
        )


@dataclass
class _Plan:
    """What one record type's part of a batch will write."""

    created: list[tuple[Pending, Model]] = field(default_factory=list)
    updated: list[tuple[Pending, Model, dict[str, Any], list[str]]] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)


_CHANGE_COLUMNS = ("resource", "object_id", "key", "action", "changed_at")


def _columns(model: type[Model]) -> dict[str, tuple[str, str]]:
    """Field name or attname (``event`` or ``event_id``) -> (attname, field name)."""
    columns = {}
    for concrete in model._meta.concrete_fields:
        columns[concrete.name] = columns[concrete.attname] = (concrete.attname, concrete.name)
    return columns


class Writer:
    def __init__(
        self,
        index: Index,
        using: str,
        tally: Tally,
        reject: Callable[[Pending, Errors], None],
        background: Background,
    ) -> None:
        self.index = index
        self.using = using
        self.background = background
        self.tally = tally
        self.reject = reject
        self._columns = {record.name: _columns(record.model) for record in RECORD_TYPES.values()}
        # Relations are resolved in memory; clean_fields would query each one.
        self._cleaners = {
            record.name: FieldCleaner(
                record.model,
                exclude={
                    f.name
                    for f in record.model._meta.get_fields()
                    if f.is_relation and (f.many_to_one or f.many_to_many or f.one_to_one)
                },
            )
            for record in RECORD_TYPES.values()
        }

    def write(self, pending: list[Pending]) -> None:
        by_type: dict[str, list[Pending]] = {}
        for item in pending:
            by_type.setdefault(item.record.name, []).append(item)
        for name, record in RECORD_TYPES.items():
            if name in by_type:
                self._write_type(record, by_type[name])

    # Validation

    def _validate(
        self, record: RecordType, pending: Pending, instance: Model, before: dict[str, Any] | None
    ) -> Errors:
        for name, value in pending.values.items():
            setattr(instance, name, value)
        errors: Errors = {}
        try:
            self._cleaners[record.name].clean(instance)
            instance.clean()
        except ValidationError as exc:
            errors = exc.message_dict
        if errors:
            return errors
        for found in (
            check_constraint_errors(instance),
            self.index.unique_errors(instance, pending),
            record.check(pending, instance, before),
        ):
            for name, messages in found.items():
                errors.setdefault(name, []).extend(messages)
        return errors

    def _plan(self, record: RecordType, batch: list[Pending]) -> _Plan:
        model = record.model
        ids = [pending.existing_id for pending in batch if pending.existing_id is not None]
        existing: dict[Any, Model] = {}
        current: dict[str, dict[int, frozenset[Any]]] = {}
        if ids:
            self.background.wait()
            existing = model._default_manager.using(self.using).in_bulk(ids)
            current = {links.name: links.current(ids, self.using) for links in record.links}
        columns = self._columns[record.name]
        concrete = [f.attname for f in model._meta.concrete_fields]
        plan = _Plan()
        for pending in batch:
            if pending.existing_id is None:
                instance = model()
                before = None
            elif pending.existing_id in existing:
                instance = existing[pending.existing_id]
                self.index.link_related(instance)
                before = {name: getattr(instance, name) for name in concrete}
            else:
                self.reject(pending, {"__all__": ["The record was deleted meanwhile."]})
                continue
            errors = self._validate(record, pending, instance, before)
            if errors:
                self.reject(pending, errors)
                continue
            self.index.claim_unique(instance, pending, before)
            if before is None:
                plan.created.append((pending, instance))
                continue
            changed = [
                field_name
                for attname, field_name in (columns[name] for name in pending.values)
                if getattr(instance, attname) != before[attname]
            ]
            relinked = [
                name
                for name, links in pending.links.items()
                if links != current[name].get(instance.pk, frozenset())
            ]
            if not changed and not relinked:
                self.tally.unchanged[record.label] += 1
                record.remember(self.index, pending, instance, before)
                continue
            plan.updated.append((pending, instance, before, relinked))
            plan.update_fields.update(changed)
        return plan

    # Writing

    def _write_type(self, record: RecordType, batch: list[Pending]) -> None:
        model = record.model
        plan = self._plan(record, batch)
        created = [instance for _, instance in plan.created]
        if created:
            self.background.wait()
            allocate_ids(self.using, model, created)
        now = timezone.now()
        for _, instance, _, _ in plan.updated:
            instance.updated_at = now  # type: ignore[attr-defined]
        new = new_rows(self.using, model, created)
        self.background.wait()
        # Copying the rows is Python work, done here; the statements that make
        # the database work run, on PostgreSQL, while the next rows are read.
        changes = self._send(record, plan, new)
        self.background.run(lambda: self._execute(record, plan, new, changes))
        for pending, instance in plan.created:
            record.remember(self.index, pending, instance, None)
        for pending, instance, before, _ in plan.updated:
            record.remember(self.index, pending, instance, before)
        self.tally.created[record.label] += len(plan.created)
        self.tally.updated[record.label] += len(plan.updated)

    def _send(self, record: RecordType, plan: _Plan, new: NewRows) -> QuerySet[Change] | None:
        """Copy a batch's rows in: new records (into their stage, if searchable),
        links and change-feed entries. Links may precede their records: foreign
        keys are checked once the batch is written (``check_foreign_keys``)."""
        stage_records(self.using, new)  # elsewhere, this gives the new records their ids
        for links in record.links:
            replaced, rows = self._link_rows(links, plan)
            links.delete(replaced, self.using)
            insert_rows(self.using, links.through, links.row_columns(), rows)
        changes = self._change_rows(record.model, plan)
        last = Change.objects.using(self.using).order_by("-pk").values_list("pk", flat=True)
        after = last.first() or 0
        insert_rows(self.using, Change, _CHANGE_COLUMNS, changes)
        return Change.objects.using(self.using).filter(pk__gt=after) if changes else None

    def _execute(
        self, record: RecordType, plan: _Plan, new: NewRows, changes: QuerySet[Change] | None
    ) -> None:
        """The rest of a batch's database work (in the writing thread, on PostgreSQL)."""
        model = record.model
        insert_staged(self.using, new)
        updated = [instance for _, instance, _, _ in plan.updated]
        update_records(self.using, model, updated, sorted(plan.update_fields | {"updated_at"}))
        if hasattr(model, "history"):
            # A version for every record written, as a save would leave one.
            reason = "Loaded by import_records"
            insert_history(self.using, model, [i.pk for i in new.instances], "+", reason)
            insert_history(self.using, model, [i.pk for i in updated], "~", reason)
        self._refresh_search(model, [instance.pk for instance in updated])
        check_foreign_keys(self.using)
        if changes is not None:
            # As a save would: webhook subscriptions get these changes too
            # (their filters see the records, which are written by now).
            queue_deliveries_for(changes.order_by("pk"))

    def _link_rows(self, links: Links, plan: _Plan) -> tuple[list[Any], list[tuple[Any, ...]]]:
        """The records whose links are replaced, and the link rows to write."""
        replaced = [
            instance.pk for _, instance, _, relinked in plan.updated if links.name in relinked
        ]
        rows = [
            row
            for pending, instance in plan.created
            for row in links.rows(instance.pk, pending.links.get(links.name, ()))
        ] + [
            row
            for pending, instance, _, relinked in plan.updated
            if links.name in relinked
            for row in links.rows(instance.pk, pending.links[links.name])
        ]
        return replaced, rows

    def _change_rows(self, model: type[Model], plan: _Plan) -> list[tuple[Any, ...]]:
        """A change-feed entry per record created or updated."""
        resource, lookup = FEED_RESOURCES[model]
        written = [(instance, ChangeAction.CREATED) for _, instance in plan.created] + [
            (instance, ChangeAction.UPDATED) for _, instance, _, _ in plan.updated
        ]
        written.sort(key=lambda item: item[0].pk)
        now = timezone.now()
        return [
            (resource, instance.pk, str(getattr(instance, lookup)), action, now)
            for instance, action in written
        ]

    def _refresh_search(self, model: type[Model], updated: list[Any]) -> None:
        # New rows got their vectors as they were inserted (see sql).
        if model not in SEARCHABLE or not updated:
            return
        refresh_search_vectors(model._default_manager.using(self.using).filter(pk__in=updated))
        # Positions and measures are found by their actors' names and positions
        # by their event's title, as the post_save handlers keep them.
        if model._meta.label == "actors.Actor":
            naming = Q(actor__in=updated) | Q(target__in=updated)
            refresh_search_vectors(Position.objects.using(self.using).filter(naming))
            refresh_search_vectors(Measure.objects.using(self.using).filter(naming))
        elif model is Event:
            refresh_search_vectors(Position.objects.using(self.using).filter(event__in=updated))
