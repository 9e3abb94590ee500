"""What the generic API tests need to know about each resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from actors.choices import ActorKind
from tests import factories


@dataclass(frozen=True)
class Resource:
    basename: str
    make: Callable[[], Model]
    # A valid body for POST, built fresh (it may need related records).
    create_body: Callable[[], dict[str, Any]]
    # A change for PATCH and the field to read it back from.
    patch: dict[str, Any]
    lookup: str = "pk"
    writable: bool = True

    def key(self, instance: Model) -> Any:
        return getattr(instance, self.lookup)


def _membership_body() -> dict[str, Any]:
    member = factories.make_actor()
    organization = factories.make_actor(kind=ActorKind.MILITARY_ALLIANCE)
    return {"member": member.slug, "organization": organization.slug}


def _event_body() -> dict[str, Any]:
    return {
        "slug": "new-strike",
        "title": "A new strike",
        "kind": "missile_strike",
        "initiator": factories.make_actor().slug,
        "sources": [factories.make_source().pk],
    }


def _position_body() -> dict[str, Any]:
    return {
        "actor": factories.make_actor().slug,
        "event": factories.make_event().slug,
        "stance": "urge_ceasefire",
        "cameo_code": "0256",
        "summary": "Urges an immediate ceasefire.",
        "sources": [factories.make_source().pk],
    }


def _measure_body() -> dict[str, Any]:
    return {
        "actor": factories.make_actor(kind=ActorKind.SUPRANATIONAL_UNION).slug,
        "target": factories.make_actor().slug,
        "kind": "sanctions",
        "condition": "if such hostile actions continue",
        "sources": [factories.make_source().pk],
    }


RESOURCES = [
    Resource(
        basename="actor",
        make=factories.make_actor,
        create_body=lambda: {"slug": "new-actor", "name": "New actor", "kind": "state"},
        patch={"short_name": "NA"},
        lookup="slug",
    ),
    Resource(
        basename="membership",
        make=factories.make_membership,
        create_body=_membership_body,
        patch={"started_on": "2020-01-01"},
    ),
    Resource(
        basename="conflict",
        make=factories.make_conflict,
        create_body=lambda: {"slug": "new-conflict", "name": "New conflict"},
        patch={"summary": "A long dispute."},
        lookup="slug",
    ),
    Resource(
        basename="event",
        make=factories.make_event,
        create_body=_event_body,
        patch={"location": "Kyiv"},
        lookup="slug",
    ),
    Resource(
        basename="position",
        make=factories.make_position,
        create_body=_position_body,
        patch={"summary": "Condemns the strike in the strongest terms."},
    ),
    Resource(
        basename="measure",
        make=factories.make_measure,
        create_body=_measure_body,
        patch={"description": "Additional sanctions."},
    ),
    Resource(
        basename="source",
        make=factories.make_source,
        create_body=lambda: {"kind": "official_statement", "title": "Statement by the Council"},
        patch={"publisher": "Council of the EU"},
    ),
    Resource(
        basename="status-change",
        make=lambda: factories.make_status_change(),
        create_body=dict,
        patch={},
        writable=False,
    ),
]

WRITABLE = [resource for resource in RESOURCES if resource.writable]
