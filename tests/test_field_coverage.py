"""Every model field reaches every surface, or is listed below with the reason it does not.

For each model the API exposes, each concrete and many-to-many field must
appear in the serializer, the CSV header (``?format=csv`` and ``export/``),
the admin import resource, the bulk loader's accepted columns and the
synthetic generator's tables. A field added to a model and to nothing else
fails here, naming the field and the surface it is missing from (the idea of
NetBox's ``test_missing_filters``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model

from actors.api.serializers import ActorSerializer, MembershipSerializer
from actors.api.views import ActorViewSet, MembershipViewSet
from actors.models import Actor, Membership
from actors.resources import ActorResource, MembershipResource
from bulkload.records import RECORD_TYPES
from responses.api.serializers import (
    ConflictSerializer,
    EventSerializer,
    MeasureSerializer,
    PositionSerializer,
    SourceSerializer,
    StatusChangeSerializer,
)
from responses.api.views import (
    ConflictViewSet,
    EventViewSet,
    MeasureViewSet,
    PositionViewSet,
    SourceViewSet,
    StatusChangeViewSet,
)
from responses.models import Conflict, Event, Measure, MeasureStatusChange, Position, Source
from responses.resources import (
    ConflictResource,
    EventResource,
    MeasureResource,
    PositionResource,
    SourceResource,
)
from synthetic.generate import Generator
from synthetic.scales import Scale
from tracker.declarations import Flat

# model: serializer, viewset, admin import resource, bulk loader record type
SURFACES: dict[type[Model], tuple[Any, Any, Any, str | None]] = {
    Actor: (ActorSerializer, ActorViewSet, ActorResource, "actor"),
    Membership: (MembershipSerializer, MembershipViewSet, MembershipResource, "membership"),
    Source: (SourceSerializer, SourceViewSet, SourceResource, "source"),
    Conflict: (ConflictSerializer, ConflictViewSet, ConflictResource, "conflict"),
    Event: (EventSerializer, EventViewSet, EventResource, "event"),
    Position: (PositionSerializer, PositionViewSet, PositionResource, "position"),
    Measure: (MeasureSerializer, MeasureViewSet, MeasureResource, "measure"),
    # Written only by transitions, which check the lifecycle and record who
    # moved the measure: no import writes status changes.
    MeasureStatusChange: (StatusChangeSerializer, StatusChangeViewSet, None, None),
}

# Fields no surface shows.
NOWHERE = {
    # Computed from the record's text by the database, for full-text search.
    "search_vector",
}

# (model, field, surface) -> why the field is not there.
EXCLUDED: dict[tuple[type[Model], str, str], str] = {
    (MeasureStatusChange, "recorded_by", "serializer"): "curators' accounts are not public",
    (MeasureStatusChange, "recorded_by", "csv"): "curators' accounts are not public",
    (MeasureStatusChange, "recorded_by", "generator"): "made-up data has no curators",
    (MeasureStatusChange, "updated_at", "serializer"): "a status change is never edited",
    (MeasureStatusChange, "updated_at", "csv"): "a status change is never edited",
    (Event, "related_events", "admin import"): (
        "each link has a relation as well: the admin exports them (relation:slug) "
        "and its import leaves them as they are; the API and import_records write them"
    ),
    (Conflict, "sources", "generator"): (
        "a conflict's sources are optional, and made-up conflicts cite none; "
        "citing some would change the benchmark's data set"
    ),
}

GENERATOR_SCALE = Scale(actors=60, events=80, positions=300, measures=120, sources=40)


def model_fields(model: type[Model]) -> list[str]:
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [field.name for field in fields if field.name not in NOWHERE]


def field_names(model: type[Model], names: set[str]) -> set[str]:
    """Model field names for names that may be attnames (actor_id) or paths (actor__slug)."""
    attnames = {field.attname: field.name for field in model._meta.concrete_fields}
    roots = {name.split("__")[0].split(".")[0] for name in names}
    return {attnames.get(root, root) for root in roots}


def in_serializer(model: type[Model]) -> set[str]:
    serializer = SURFACES[model][0]()
    names = set(serializer.fields)
    names |= {field.source for field in serializer.fields.values() if field.source != "*"}
    return field_names(model, names)


def in_csv(model: type[Model]) -> set[str]:
    viewset = SURFACES[model][1]()
    paths = {column.path for column in viewset.csv_columns}
    return field_names(model, paths | {column.relation for column in viewset.csv_many})


def in_admin_import(model: type[Model]) -> set[str]:
    """What the import writes, and the read-only columns it takes (id, timestamps)."""
    resource_class = SURFACES[model][2]
    if resource_class is None:
        return set()
    resource = resource_class()
    read_only = {
        declared.field for declared in resource.declaration if declared.flat is Flat.READ_ONLY
    }
    attributes = {
        field.attribute
        for field in resource.fields.values()
        if field.attribute and (not field.readonly or field.attribute in read_only)
    }
    return field_names(model, attributes)


def in_bulk_loader(model: type[Model]) -> set[str]:
    name = SURFACES[model][3]
    if name is None:
        return set()
    record = RECORD_TYPES[name]
    by_name = {declared.name: declared.field for declared in record.declaration}
    read_only = {d.name for d in record.declaration if d.flat is Flat.READ_ONLY}
    return field_names(model, {by_name.get(n, n) for n in record.accepted() | read_only})


_generated: dict[type[Model], set[str]] = {}


def in_generator(model: type[Model]) -> set[str]:
    if not _generated:
        for table in Generator(GENERATOR_SCALE, seed=1).tables():
            list(table.rows)  # later tables read what earlier rows left in the world
            _generated.setdefault(table.model, set()).update(table.fields)
    found = field_names(model, _generated.get(model, set()))
    found |= {
        m2m.name for m2m in model._meta.many_to_many if m2m.remote_field.through in _generated
    }
    return found


CHECKS = {
    "serializer": in_serializer,
    "csv": in_csv,
    "admin import": in_admin_import,
    "bulk loader": in_bulk_loader,
    "generator": in_generator,
}


@pytest.mark.parametrize("surface", list(CHECKS))
@pytest.mark.parametrize("model", list(SURFACES), ids=lambda model: model.__name__)
def test_every_model_field_reaches_the_surface(model: type[Model], surface: str) -> None:
    writer = {"admin import": 2, "bulk loader": 3}.get(surface)
    if writer is not None and SURFACES[model][writer] is None:
        pytest.skip(f"no import writes {model._meta.verbose_name_plural}")
    found = CHECKS[surface](model)
    missing = [
        name
        for name in model_fields(model)
        if name not in found and (model, name, surface) not in EXCLUDED
    ]
    assert not missing, (
        f"{model.__name__} fields missing from the {surface}: {', '.join(missing)}. "
        "Declare each in its resource (actors/declarations.py, responses/declarations.py), "
        "which the serializer, the CSV, the admin import and the bulk loader read; the "
        "generator and relations the loader resolves itself need code. Or list the field "
        "in EXCLUDED with the reason."
    )


def test_every_exclusion_is_still_needed() -> None:
    stale = [
        key
        for key in EXCLUDED
        if key[1] in model_fields(key[0]) and key[1] in CHECKS[key[2]](key[0])
    ]
    assert not stale, f"Fields listed in EXCLUDED that now reach their surface: {stale}"
