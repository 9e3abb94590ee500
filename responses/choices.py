"""Vocabularies of the responses app, and the rules that tie them together."""

from __future__ import annotations

from django.db import models


class EventKind(models.TextChoices):
    AIR_STRIKE = "air_strike", "Air strike"
    DRONE_STRIKE = "drone_strike", "Drone strike"
    MISSILE_STRIKE = "missile_strike", "Missile strike"
    GROUND_ASSAULT = "ground_assault", "Ground assault"
    DIPLOMATIC_CONTACT = "diplomatic_contact", "Diplomatic contact"
    SUMMIT = "summit", "Summit"
    CEASEFIRE = "ceasefire", "Ceasefire"
    OTHER = "other", "Other"


class Impact(models.TextChoices):
    CASUALTIES = "casualties", "Casualties"
    POWER_OUTAGE = "power_outage", "Power outage"
    FIRE = "fire", "Fire"
    STRUCTURAL_DAMAGE = "structural_damage", "Structural damage"
    DISPLACEMENT = "displacement", "Displacement"
    INFRASTRUCTURE_DAMAGE = "infrastructure_damage", "Infrastructure damage"
    OTHER = "other", "Other"


class EventRelationKind(models.TextChoices):
    FOLLOWS = "follows", "Follows"
    RESPONDS_TO = "responds_to", "Responds to"


class Stance(models.TextChoices):
    CONDEMN = "condemn", "Condemn"
    CRITICIZE = "criticize", "Criticize"
    ACCUSE = "accuse", "Accuse"
    DEMAND_ACCOUNTABILITY = "demand_accountability", "Demand accountability"
    URGE_CEASEFIRE = "urge_ceasefire", "Urge ceasefire"
    CALL_FOR_TALKS = "call_for_talks", "Call for talks"
    CALL_FOR_RESTRAINT = "call_for_restraint", "Call for restraint"
    APPEAL_FOR_SUPPORT = "appeal_for_support", "Appeal for support"
    EXPRESS_SUPPORT = "express_support", "Express support"
    JUSTIFY = "justify", "Justify"
    THREATEN = "threaten", "Threaten"
    OTHER = "other", "Other"


# The two-digit CAMEO roots (codebook 1.1b3) that each stance may be coded with.
# `other` takes any code: it is described in the summary instead.
CAMEO_ROOTS_BY_STANCE: dict[str, frozenset[str]] = {
    Stance.CONDEMN: frozenset({"11"}),
    Stance.CRITICIZE: frozenset({"11"}),
    Stance.ACCUSE: frozenset({"11"}),
    Stance.DEMAND_ACCOUNTABILITY: frozenset({"10"}),
    Stance.URGE_CEASEFIRE: frozenset({"02", "10"}),
    Stance.CALL_FOR_TALKS: frozenset({"02"}),
    Stance.CALL_FOR_RESTRAINT: frozenset({"02"}),
    Stance.APPEAL_FOR_SUPPORT: frozenset({"02"}),
    Stance.EXPRESS_SUPPORT: frozenset({"05"}),
    Stance.JUSTIFY: frozenset({"05"}),
    Stance.THREATEN: frozenset({"13"}),
}


class MeasureKind(models.TextChoices):
    SANCTIONS = "sanctions", "Sanctions"
    ARMS_EMBARGO = "arms_embargo", "Arms embargo"
    TRADE_RESTRICTION = "trade_restriction", "Trade restriction"
    ASSET_FREEZE = "asset_freeze", "Asset freeze"
    TRAVEL_BAN = "travel_ban", "Travel ban"
    DIPLOMATIC_EXPULSION = "diplomatic_expulsion", "Diplomatic expulsion"
    MILITARY_AID = "military_aid", "Military aid"
    FINANCIAL_AID = "financial_aid", "Financial aid"
    HUMANITARIAN_AID = "humanitarian_aid", "Humanitarian aid"
    PEACEKEEPING = "peacekeeping", "Peacekeeping"
    INVESTIGATION = "investigation", "Investigation"
    OTHER = "other", "Other"


class MeasureStatus(models.TextChoices):
    THREATENED = "threatened", "Threatened"
    PROPOSED = "proposed", "Proposed"
    ADOPTED = "adopted", "Adopted"
    IN_FORCE = "in_force", "In force"
    SUSPENDED = "suspended", "Suspended"
    LIFTED = "lifted", "Lifted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed"


# The measure lifecycle (TIES). Along the main line a measure may skip steps a
# source does not report (a threat followed by news of adoption), but it never
# moves backwards except from suspended back into force.
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    MeasureStatus.THREATENED: (
        MeasureStatus.PROPOSED,
        MeasureStatus.ADOPTED,
        MeasureStatus.IN_FORCE,
        MeasureStatus.WITHDRAWN,
        MeasureStatus.LAPSED,
    ),
    MeasureStatus.PROPOSED: (
        MeasureStatus.ADOPTED,
        MeasureStatus.IN_FORCE,
        MeasureStatus.WITHDRAWN,
        MeasureStatus.LAPSED,
    ),
    MeasureStatus.ADOPTED: (MeasureStatus.IN_FORCE, MeasureStatus.WITHDRAWN),
    MeasureStatus.IN_FORCE: (MeasureStatus.SUSPENDED, MeasureStatus.LIFTED),
    MeasureStatus.SUSPENDED: (MeasureStatus.IN_FORCE, MeasureStatus.LIFTED),
    MeasureStatus.LIFTED: (),
    MeasureStatus.WITHDRAWN: (),
    MeasureStatus.LAPSED: (),
}


# Which dates each status allows. A measure takes effect only by coming into
# force, so only a measure that is or was in force has an effective date (an
# adopted one has not taken effect yet, and a withdrawn or lapsed one never
# did); it ends only by being lifted, withdrawn or lapsing, so only those have
# an end date. Every allowed transition from a measure that keeps these rules
# leads to one that keeps them. Announcement dates and deadlines fit any status.
IN_EFFECT_STATUSES: tuple[str, ...] = (
    MeasureStatus.IN_FORCE,
    MeasureStatus.SUSPENDED,
    MeasureStatus.LIFTED,
)
ENDED_STATUSES: tuple[str, ...] = (
    MeasureStatus.LIFTED,
    MeasureStatus.WITHDRAWN,
    MeasureStatus.LAPSED,
)


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", "News article"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    PRESS_RELEASE = "press_release", "Press release"
    RESOLUTION = "resolution", "Resolution"
    SOCIAL_MEDIA = "social_media", "Social media"
    OTHER = "other", "Other"
