"""The fields of actors and memberships, named once (see ``tracker.declarations``)."""

from __future__ import annotations

from tracker.declarations import IDENTITY, TIMESTAMPS, Declared, Flat

ACTOR = (
    *IDENTITY,
    Declared("slug"),
    Declared("name"),
    Declared("short_name"),
    Declared("kind"),
    Declared("country"),
    Declared("parent", Flat.SLUG),
    Declared("aliases", Flat.LIST),
    Declared("wikidata_id"),
    Declared("description"),
    *TIMESTAMPS,
)

MEMBERSHIP = (
    *IDENTITY,
    Declared("member", Flat.SLUG, shown=("name",)),
    Declared("organization", Flat.SLUG, shown=("name",)),
    Declared("started_on"),
    Declared("ended_on"),
    *TIMESTAMPS,
)
