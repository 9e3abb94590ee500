"""Admin import and export of actors and memberships, with the API's CSV columns.

Actors are matched on their slug (the natural key), memberships on member,
organization and start date.
"""

from __future__ import annotations

from actors.declarations import ACTOR, MEMBERSHIP
from actors.models import Actor, Membership
from tracker.imports import ValidatedResource


class ActorResource(ValidatedResource):
    declaration = ACTOR

    class Meta(ValidatedResource.Meta):
        model = Actor
        import_id_fields = ("slug",)


class MembershipResource(ValidatedResource):
    declaration = MEMBERSHIP

    class Meta(ValidatedResource.Meta):
        model = Membership
        import_id_fields = ("member", "organization", "started_on")
