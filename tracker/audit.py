"""How curated records keep their history (django-simple-history).

Every curated model keeps a version per save, without its search vector
(derived data, rebuilt from the version's own fields).

Versions are read by record (``id``), by date and by user. The relations
and timestamps copied into each version are never looked up, so they are not
indexed: an index on each of them made every save, and every bulk load, write
that many more index entries for nothing.
"""

from __future__ import annotations

from simple_history.models import HistoricalRecords

# Field names of the curated models and of their link tables (simple-history
# copies a link table's fields into the versions of the links); a name a
# model does not have is ignored. A new relation on a curated model belongs
# here too, or its versions get an index nobody reads.
UNINDEXED_IN_HISTORY = [
    "actor",
    "speaker",
    "target",
    "initiator",
    "parent",
    "event",
    "conflict",
    "position",
    "measure",
    "source",
    "updated_at",
]


def record_history(*, m2m_fields: tuple[str, ...] = ()) -> HistoricalRecords:
    """The history of a curated model, with the versions of its ``m2m_fields`` links."""
    return HistoricalRecords(
        excluded_fields=["search_vector"],
        m2m_fields=list(m2m_fields),
        no_db_index=UNINDEXED_IN_HISTORY,
    )
