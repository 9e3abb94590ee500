"""Vocabularies of the actors app."""

from __future__ import annotations

from django.db import models


class ActorKind(models.TextChoices):
    STATE = "state", "State"
    INTERNATIONAL_ORGANIZATION = "international_organization", "International organization"
    SUPRANATIONAL_UNION = "supranational_union", "Supranational union"
    MILITARY_ALLIANCE = "military_alliance", "Military alliance"
    GOVERNMENT_BODY = "government_body", "Government body"
    PERSON = "person", "Person"
    INFORMAL_GROUP = "informal_group", "Informal group"
    NON_STATE_ARMED_GROUP = "non_state_armed_group", "Non-state armed group"
    NGO = "ngo", "NGO"
    OTHER = "other", "Other"


# Kinds of actor that other actors can be members of.
ORGANIZATION_KINDS = frozenset(
    {
        ActorKind.INTERNATIONAL_ORGANIZATION,
        ActorKind.SUPRANATIONAL_UNION,
        ActorKind.MILITARY_ALLIANCE,
        ActorKind.INFORMAL_GROUP,
        ActorKind.GOVERNMENT_BODY,
        ActorKind.NGO,
        ActorKind.OTHER,
    }
)
