"""The data-quality report: problems to fix and notes worth a look.

Every check is one database query, whatever the size of the tables (eight in
all), except that likely duplicate actors are found by normalising names in
Python over one query's (id, slug, name, aliases) rows: normalisation (case,
diacritics, punctuation) is not something SQLite and PostgreSQL agree on.

Problems:
- an event, position or measure that cites no source;
- a position whose CAMEO code contradicts its stance (CAMEO_ROOTS_BY_STANCE);
- a threatened or proposed measure whose deadline has passed;
- a measure whose status is not the one its last recorded status change
  moved it to;
- actors that share a name or alias once normalised, likely duplicates.

Notes:
- actors nothing refers to: no position (as actor, speaker or target), no
  measure (actor or target), no event (initiator, target or participant),
  no membership (either side), no conflict party and no child actor.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, Membership
from responses.choices import CAMEO_ROOTS_BY_STANCE, MeasureStatus
from responses.models import (
    ConflictParty,
    Event,
    EventParticipant,
    Measure,
    MeasureStatusChange,
    Position,
)


class Severity(models.TextChoices):
    PROBLEM = "problem", "Problem"
    NOTE = "note", "Note"


class QualityCode(models.TextChoices):
    MISSING_SOURCE = "missing_source", "Record without a source"
    CAMEO_CONTRADICTS_STANCE = "cameo_contradicts_stance", "CAMEO code contradicts the stance"
    PAST_DEADLINE = "past_deadline", "Threatened or proposed measure past its deadline"
    STATUS_NOT_LAST_CHANGE = (
        "status_not_last_change",
        "Status is not the last recorded status change",
    )
    DUPLICATE_ACTOR = "duplicate_actor", "Likely duplicate actors"
    UNREFERENCED_ACTOR = "unreferenced_actor", "Actor nothing refers to"


SEVERITY: dict[str, str] = {
    QualityCode.MISSING_SOURCE: Severity.PROBLEM,
    QualityCode.CAMEO_CONTRADICTS_STANCE: Severity.PROBLEM,
    QualityCode.PAST_DEADLINE: Severity.PROBLEM,
    QualityCode.STATUS_NOT_LAST_CHANGE: Severity.PROBLEM,
    QualityCode.DUPLICATE_ACTOR: Severity.PROBLEM,
    QualityCode.UNREFERENCED_ACTOR: Severity.NOTE,
}


class RecordType(models.TextChoices):
    ACTOR = "actor", "Actor"
    EVENT = "event", "Event"
    POSITION = "position", "Position"
    MEASURE = "measure", "Measure"


@dataclass(frozen=True)
class RecordRef:
    """A record a finding is about: enough to name it and link to it."""

    type: str
    id: int
    label: str
    slug: str | None = None

    @property
    def path(self) -> str:
        if self.slug is not None:
            return reverse(f"api:{self.type}-detail", kwargs={"slug": self.slug})
        return reverse(f"api:{self.type}-detail", kwargs={"pk": self.id})

    def __str__(self) -> str:
        return f"{self.type} {self.slug or self.id} ({self.label})"


@dataclass(frozen=True)
class Finding:
    code: str
    record: RecordRef
    message: str
    related: tuple[RecordRef, ...] = field(default=())

    @property
    def severity(self) -> str:
        return SEVERITY[self.code]


def quality_report(today: datetime.date | None = None) -> list[Finding]:
    """Every finding: problems first, then notes, each kind in a fixed order."""
    today = today or timezone.localdate()
    findings = [
        *records_without_sources(),
        *cameo_codes_contradicting_stances(),
        *measures_past_deadline(today),
        *statuses_not_last_change(),
        *likely_duplicate_actors(),
        *unreferenced_actors(),
    ]
    severities, codes, types = Severity.values, QualityCode.values, RecordType.values
    return sorted(
        findings,
        key=lambda f: (
            severities.index(f.severity),
            codes.index(f.code),
            types.index(f.record.type),
            f.record.id,
        ),
    )


# Labels, built from values() rows so no record is loaded whole.


def _event(row: dict) -> RecordRef:
    return RecordRef(RecordType.EVENT, row["id"], row["title"], row["slug"])


def _position(row: dict) -> RecordRef:
    return RecordRef(RecordType.POSITION, row["id"], f"{row['actor__name']}: {row['stance']}")


def _measure(row: dict) -> RecordRef:
    label = f"{row['actor__name']}: {row['kind']} on {row['target__name']}"
    return RecordRef(RecordType.MEASURE, row["id"], label)


EVENT_FIELDS = ("id", "slug", "title")
POSITION_FIELDS = ("id", "actor__name", "stance")
MEASURE_FIELDS = ("id", "actor__name", "kind", "target__name")


# Problems


def records_without_sources() -> Iterator[Finding]:
    checks = [
        (Event.objects.values(*EVENT_FIELDS), _event),
        (Position.objects.values(*POSITION_FIELDS), _position),
        (Measure.objects.values(*MEASURE_FIELDS), _measure),
    ]
    for queryset, ref in checks:
        for row in queryset.filter(sources__isnull=True).order_by("id"):
            record = ref(row)
            yield Finding(
                QualityCode.MISSING_SOURCE,
                record,
                f"{record.type.capitalize()} {record.label!r} cites no source; "
                "every event, position and measure needs one.",
            )


def cameo_codes_contradicting_stances() -> Iterator[Finding]:
    contradicts = Q(pk__in=[])
    for stance, roots in CAMEO_ROOTS_BY_STANCE.items():
        contradicts |= Q(stance=stance) & ~Q(cameo_root__in=sorted(roots))
    rows = (
        Position.objects.exclude(cameo_code="")
        .annotate(cameo_root=Substr("cameo_code", 1, 2))
        .filter(contradicts)
        .values(*POSITION_FIELDS, "cameo_code")
        .order_by("id")
    )
    for row in rows:
        expected = " or ".join(sorted(CAMEO_ROOTS_BY_STANCE[row["stance"]]))
        record = _position(row)
        yield Finding(
            QualityCode.CAMEO_CONTRADICTS_STANCE,
            record,
            f"Position {record.label!r} is coded CAMEO {row['cameo_code']}, which contradicts "
            f"the stance {row['stance']}: its code should start with {expected}.",
        )


def measures_past_deadline(today: datetime.date) -> Iterator[Finding]:
    rows = (
        Measure.objects.filter(
            status__in=[MeasureStatus.THREATENED, MeasureStatus.PROPOSED], deadline__lt=today
        )
        .values(*MEASURE_FIELDS, "status", "deadline")
        .order_by("id")
    )
    for row in rows:
        record = _measure(row)
        yield Finding(
            QualityCode.PAST_DEADLINE,
            record,
            f"Measure {record.label!r} is still {row['status']} but its deadline "
            f"({row['deadline'].isoformat()}) has passed: record what became of it "
            "(lapsed, if nothing did).",
        )


def statuses_not_last_change() -> Iterator[Finding]:
    last_change = (
        MeasureStatusChange.objects.filter(measure=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("to_status")[:1]
    )
    rows = (
        Measure.objects.annotate(last_status=Subquery(last_change))
        .filter(last_status__isnull=False)
        .exclude(status=F("last_status"))
        .values(*MEASURE_FIELDS, "status", "last_status")
        .order_by("id")
    )
    for row in rows:
        record = _measure(row)
        yield Finding(
            QualityCode.STATUS_NOT_LAST_CHANGE,
            record,
            f"Measure {record.label!r} is {row['status']}, but its last recorded status "
            f"change moved it to {row['last_status']}: the status was changed without a "
            "transition.",
        )


def normalise_name(name: str) -> str:
    """A name case-folded, without diacritics or punctuation, spaces collapsed.

    "U.N." and "UN" become "un"; "Côte d’Ivoire" becomes "cote divoire".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(
        char
        for char in decomposed
        if not unicodedata.category(char).startswith(("M", "P"))  # marks, punctuation
    )
    return " ".join(kept.split())


def likely_duplicate_actors() -> Iterator[Finding]:
    """Actors that share a normalised name or alias, grouped when the sharing chains.

    Short names are left out: different bodies share abbreviations ("MoD").
    """
    actors: dict[int, RecordRef] = {}
    holders: dict[str, set[int]] = defaultdict(set)
    rows = Actor.objects.values_list("id", "slug", "name", "aliases").order_by("id")
    for pk, slug, name, aliases in rows.iterator(chunk_size=2000):
        names = [name, *(aliases if isinstance(aliases, list) else [])]
        for key in {normalise_name(str(item)) for item in names} - {""}:
            holders[key].add(pk)
        actors[pk] = RecordRef(RecordType.ACTOR, pk, name, slug)

    shared = {key: ids for key, ids in holders.items() if len(ids) > 1}
    for group, keys in _connected_groups(shared):
        first, *others = (actors[pk] for pk in sorted(group))
        everyone = ", ".join(f"{ref.label} ({ref.slug})" for ref in (first, *others))
        shared_names = ", ".join(repr(key) for key in sorted(keys))
        yield Finding(
            QualityCode.DUPLICATE_ACTOR,
            first,
            f"Actors {everyone} may be one actor: they share the name or alias {shared_names} "
            "(ignoring case, accents and punctuation). Merge them, or tell them apart.",
            related=tuple(others),
        )


def _connected_groups(shared: dict[str, set[int]]) -> Iterable[tuple[set[int], set[str]]]:
    """Actors linked by any shared name, each group with the names that link it."""
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        while parent.setdefault(pk, pk) != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for ids in shared.values():
        first, *others = sorted(ids)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[int, tuple[set[int], set[str]]] = {}
    for key, ids in shared.items():
        members, keys = groups.setdefault(root(min(ids)), (set(), set()))
        members |= ids
        keys.add(key)
    return groups.values()


# Notes


def unreferenced_actors() -> Iterator[Finding]:
    def refers(model: type[models.Model], field_name: str) -> Exists:
        return Exists(model._default_manager.filter(**{field_name: OuterRef("pk")}))

    references = [
        refers(Position, "actor"),
        refers(Position, "speaker"),
        refers(Position, "target"),
        refers(Measure, "actor"),
        refers(Measure, "target"),
        refers(Event, "initiator"),
        refers(Event, "target"),
        refers(EventParticipant, "actor"),
        refers(Membership, "member"),
        refers(Membership, "organization"),
        refers(ConflictParty, "actor"),
        refers(Actor, "parent"),
    ]
    rows = (
        Actor.objects.filter(*(~reference for reference in references))
        .values("id", "slug", "name")
        .order_by("id")
    )
    for row in rows:
        record = RecordRef(RecordType.ACTOR, row["id"], row["name"], row["slug"])
        yield Finding(
            QualityCode.UNREFERENCED_ACTOR,
            record,
            f"Nothing refers to {record.label} ({record.slug}): no position, measure, "
            "event, membership, conflict or child actor.",
        )
