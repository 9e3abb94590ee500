"""Merging duplicate actors into one survivor.

Every record that points to a duplicate (positions, measures, events and
their participants, memberships, conflict parties, child actors) is
repointed to the survivor and saved, so its history, search vector and the
change feed all see the move. The duplicates' names and aliases become the
survivor's aliases, the merge is noted in the survivor's history, and the
duplicates are deleted. All of it happens in one transaction, or nothing does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ForeignKey, Model

from actors.models import Actor


@dataclass
class MergeReport:
    survivor: Actor
    merged: list[str] = field(default_factory=list)
    repointed: dict[str, int] = field(default_factory=dict)
    dropped_duplicate_links: int = 0

    def summary(self) -> str:
        moved = ", ".join(f"{count} {label}" for label, count in sorted(self.repointed.items()))
        return (
            f"Merged {', '.join(self.merged)} into {self.survivor.slug}"
            + (f"; repointed {moved}" if moved else "")
            + (
                f"; dropped {self.dropped_duplicate_links} duplicate links"
                if self.dropped_duplicate_links
                else ""
            )
            + "."
        )


def _references_to_actor() -> list[ForeignKey]:
    """Every visible foreign key to Actor (history tables keep their old values)."""
    return [
        relation.field
        for relation in Actor._meta.related_objects
        if isinstance(relation.field, ForeignKey) and not relation.hidden
    ]


def _is_only_a_uniqueness_clash(error: ValidationError) -> bool:
    codes = (
        {getattr(item, "code", None) for messages in error.error_dict.values() for item in messages}
        if hasattr(error, "error_dict")
        else {getattr(error, "code", None)}
    )
    return codes <= {"unique", "unique_together"}


def merged_aliases(survivor: Actor, duplicates: Iterable[Actor]) -> list[str]:
    aliases = list(survivor.aliases)
    seen = {name.casefold() for name in [survivor.name, *aliases]}
    for duplicate in duplicates:
        for name in [duplicate.name, duplicate.short_name, *duplicate.aliases]:
            if name and name.casefold() not in seen:
                aliases.append(name)
                seen.add(name.casefold())
    return aliases


def merge_actors(survivor: Actor, duplicates: Iterable[Actor]) -> MergeReport:
    duplicates = [actor for actor in duplicates if actor.pk != survivor.pk]
    report = MergeReport(survivor=survivor, merged=[actor.slug for actor in duplicates])
    if not duplicates:
        return report
    problems: list[str] = []
    with transaction.atomic():
        for reference in _references_to_actor():
            model: type[Model] = reference.model
            label = str(model._meta.verbose_name_plural)
            records = model._default_manager.filter(**{f"{reference.name}__in": duplicates})
            for record in records.select_for_update():
                setattr(record, reference.name, survivor)
                try:
                    record.full_clean()
                except ValidationError as error:
                    if _is_only_a_uniqueness_clash(error):
                        # The survivor already has this link (a participant, a party).
                        record.delete()
                        report.dropped_duplicate_links += 1
                        continue
                    messages = (
                        error.message_dict
                        if hasattr(error, "error_dict")
                        else {NON_FIELD_ERRORS: error.messages}
                    )
                    problems.append(f"{model._meta.verbose_name} {record.pk}: {messages}")
                    continue
                record.save()
                report.repointed[label] = report.repointed.get(label, 0) + 1
        if problems:
            raise ValidationError(
                "The merge would break these records, so nothing was changed: "
                + "; ".join(problems)
            )
        survivor.aliases = merged_aliases(survivor, duplicates)
        survivor._change_reason = report.summary()  # type: ignore[attr-defined]
        survivor.full_clean()
        survivor.save()
        for duplicate in duplicates:
            duplicate._change_reason = f"Merged into {survivor.slug}"  # type: ignore[attr-defined]
            duplicate.delete()
    return report
