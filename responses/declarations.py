"""The fields of each resource, named once (see ``tracker.declarations``).

The order is the API's; a flat row (CSV, admin import and export, bulk load)
puts the to-many columns last.
"""

from __future__ import annotations

from tracker.declarations import IDENTITY, TIMESTAMPS, Declared, Flat

SOURCES = Declared("sources", Flat.IDS, column="source_ids")

SOURCE = (
    *IDENTITY,
    Declared("kind"),
    Declared("title"),
    Declared("publisher"),
    # "url" is the record's own address in the API, so the document's is "link".
    Declared("link", path="url"),
    Declared("published_on"),
    Declared("language"),
    Declared("excerpt"),
    *TIMESTAMPS,
)

CONFLICT = (
    *IDENTITY,
    Declared("slug"),
    Declared("name"),
    Declared("parties", Flat.SLUGS, column="party_slugs"),
    Declared("started_on"),
    Declared("started_on_precision"),
    Declared("summary"),
    SOURCES,
    *TIMESTAMPS,
)

EVENT = (
    *IDENTITY,
    Declared("slug"),
    Declared("title"),
    Declared("kind"),
    Declared("conflict", Flat.SLUG),
    Declared("occurred_on"),
    Declared("occurred_on_precision"),
    Declared("location"),
    Declared("country"),
    Declared("initiator", Flat.SLUG, shown=("name",)),
    Declared("target", Flat.SLUG, shown=("name",)),
    Declared("participants", Flat.SLUGS, column="participant_slugs"),
    Declared("summary"),
    Declared("impacts", Flat.LIST),
    Declared("fatalities"),
    Declared("injuries"),
    Declared("related_events", Flat.LINKS, link="relation"),
    SOURCES,
    *TIMESTAMPS,
)

POSITION = (
    *IDENTITY,
    Declared("actor", Flat.SLUG, shown=("name", "kind")),
    Declared("speaker", Flat.SLUG, shown=("name",)),
    Declared("event", Flat.SLUG, shown=("title",)),
    Declared("target", Flat.SLUG, shown=("name",)),
    Declared("stance"),
    Declared("cameo_code"),
    Declared("stated_on"),
    Declared("stated_on_precision"),
    Declared("summary"),
    Declared("quote"),
    Declared("language"),
    SOURCES,
    *TIMESTAMPS,
)

MEASURE = (
    *IDENTITY,
    Declared("actor", Flat.SLUG, shown=("name",)),
    Declared("target", Flat.SLUG, shown=("name",)),
    Declared("kind"),
    Declared("status"),
    Declared("allowed_transitions", Flat.API_ONLY),
    Declared("condition"),
    Declared("deadline"),
    Declared("announced_on"),
    Declared("effective_on"),
    Declared("ended_on"),
    Declared("amount"),
    Declared("currency"),
    Declared("event", Flat.SLUG),
    Declared("position", Flat.ID),
    Declared("description"),
    SOURCES,
    *TIMESTAMPS,
)

# Written by transitions only: no import writes a status change.
STATUS_CHANGE = (
    *IDENTITY,
    Declared("measure", Flat.ID),
    Declared("from_status"),
    Declared("to_status"),
    Declared("changed_on"),
    Declared("source", Flat.ID),
    Declared("note"),
    Declared("created_at", Flat.READ_ONLY),
)
