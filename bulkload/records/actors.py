"""Actors and their memberships: actors are named by slug."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from actors.declarations import ACTOR, MEMBERSHIP
from actors.models import Actor, Membership
from bulkload.fields import UNSET, RowValues
from bulkload.index import Index
from bulkload.records.base import Pending, RecordType
from tracker.declarations import plain


class ActorRecord(RecordType):
    name = "actor"
    model = Actor
    declaration = ACTOR
    reads = ("slug", "parent")
    FIELDS = plain(ACTOR, besides=reads)

    def read(self, values: RowValues, line: int) -> Pending | None:
        slug = values.text("slug", required=True)
        found = values.values(Actor, self.FIELDS)
        parent = values.actor("parent")
        if parent is not UNSET:
            found["parent"] = parent
        values.refuse_the_rest()
        if values.errors:
            return None
        existing = values.index.actors.get(slug)
        return Pending(line, self, slug, existing.pk if existing else None, {"slug": slug, **found})

    def waiting_keys(self, pending: Pending) -> list[tuple[str, Hashable]]:
        return [("actor", pending.key)]

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.remember_actor(instance)


class MembershipRecord(RecordType):
    name = "membership"
    model = Membership
    declaration = MEMBERSHIP
    reads = ("member", "organization", "started_on")
    FIELDS = plain(MEMBERSHIP, besides=reads)

    def read(self, values: RowValues, line: int) -> Pending | None:
        member = values.actor("member", required=True)
        organization = values.actor("organization", required=True)
        started_on = values.date(Membership, "started_on")
        found = values.values(Membership, self.FIELDS)
        values.refuse_the_rest()
        if values.errors:
            return None
        key = (member.pk, organization.pk, started_on)
        return Pending(
            line,
            self,
            key,
            values.index.memberships.get(key),
            {"member": member, "organization": organization, "started_on": started_on, **found},
        )

    def remember(self, index: Index, pending: Pending, instance: Any, before: Any) -> None:
        index.memberships[pending.key] = instance.pk
