"""How many items a list in a written record may hold, on every way in.

The API (as ``maxItems`` in its schema), the bulk loader and the admin import
refuse a longer list before they look anything up, naming the field. The
bounds are far above what any source supports, and low enough that a request
cannot make the server resolve thousands of keys.
"""

from __future__ import annotations

# A claim rests on a handful of sources; a hundred is already a literature review.
MAX_SOURCES = 100
# Above the 193 member states of the UN, so a General Assembly vote fits.
MAX_ACTORS = 250
MAX_RELATED_EVENTS = 100
MAX_ALIASES = 100
# Each impact is listed once, from a vocabulary much smaller than this.
MAX_IMPACTS = 20

# By the field's name, which is the same in the API, the bulk files and the
# admin import's model attributes.
LIST_LIMITS: dict[str, int] = {
    "sources": MAX_SOURCES,
    "parties": MAX_ACTORS,
    "participants": MAX_ACTORS,
    "related_events": MAX_RELATED_EVENTS,
    "aliases": MAX_ALIASES,
    "impacts": MAX_IMPACTS,
}


def too_many_message(limit: int) -> str:
    """DRF's own wording for a list over its ``max_length``."""
    return f"Ensure this field has no more than {limit} elements."
