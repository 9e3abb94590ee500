from __future__ import annotations

from typing import Any

from rest_framework import serializers

from actors.declarations import ACTOR, MEMBERSHIP
from actors.models import Actor, Membership
from tracker.api.fields import BoundedListField, BriefRelatedField, IdentityField
from tracker.api.serializers import BriefSerializer, ValidatedModelSerializer
from tracker.declarations import api_fields
from tracker.limits import MAX_ALIASES


class ActorBriefSerializer(BriefSerializer):
    """An actor as it appears inside other records."""

    url = IdentityField(view_name="api:actor-detail", lookup_field="slug")

    class Meta:
        model = Actor
        fields = ["url", "slug", "name", "short_name", "kind"]
        read_only_fields = fields

    def to_representation(self, instance: Actor) -> dict[str, Any]:
        # Hot (every position shows up to three): the declared fields' JSON, built directly.
        if type(self) is not ActorBriefSerializer:  # a subclass may declare other fields
            return super().to_representation(instance)
        return {
            "url": self.fields["url"].to_representation(instance),
            "slug": instance.slug,
            "name": instance.name,
            "short_name": instance.short_name,
            "kind": instance.kind,
        }


def actor_field(**kwargs: Any) -> BriefRelatedField:
    """A relation to an actor: a brief on the way out, a slug on the way in."""
    return BriefRelatedField(brief=ActorBriefSerializer, **kwargs)


class ActorSerializer(ValidatedModelSerializer):
    """A state, organization, alliance, person or group that acts or speaks."""

    url = IdentityField(view_name="api:actor-detail", lookup_field="slug")
    # Shadows Field.parent for the type checker only: DRF collects declared fields.
    parent = actor_field(required=False, allow_null=True)  # type: ignore[assignment]
    aliases = BoundedListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=MAX_ALIASES,
        help_text='Other names the actor is known by, searchable ("U.N.", "United Nations").',
    )

    class Meta:
        model = Actor
        fields = api_fields(ACTOR)


class MembershipSerializer(ValidatedModelSerializer):
    """An actor's membership of an organization, with its dates."""

    url = IdentityField(view_name="api:membership-detail")
    member = actor_field()
    organization = actor_field()

    class Meta:
        model = Membership
        fields = api_fields(MEMBERSHIP)
