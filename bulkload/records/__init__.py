"""The record types a file may hold, their natural keys and their relations.

Each type reads a row into a ``Pending`` record: its natural key, the id of
the existing record with that key (if any), the values to set and the links
to write. Nothing here touches the database; validation happens when the
batch is written (see ``writer``), against the existing rows fetched in bulk.

A row with an ``id`` (the API's CSV has one) updates that record; otherwise
the natural key finds it (a row whose key matches an existing record updates
it). Each type's columns come from its resource's declaration
(``tracker.declarations``): the plain fields are read as they are, the rest
(``reads``) by the type's ``read``.


=========== ==========================================================
actor       slug
membership  member, organization, started_on
source      link (the model's url); without one: title and publisher
conflict    slug
event       slug
position    actor, event, target, stance, stated_on
measure     actor, target, kind, event, announced_on
=========== ==========================================================
"""

from __future__ import annotations

from bulkload.records.actors import ActorRecord, MembershipRecord
from bulkload.records.base import Links, Pending, RecordType, sources_of
from bulkload.records.events import ConflictRecord, EventRecord, SourceRecord
from bulkload.records.statements import MeasureRecord, PositionRecord

__all__ = ["RECORD_TYPES", "Links", "Pending", "RecordType", "sources_of"]

# In the order a batch is written: what a record refers to is written before it.
RECORD_TYPES: dict[str, RecordType] = {
    record.name: record
    for record in (
        SourceRecord(),
        ActorRecord(),
        MembershipRecord(),
        ConflictRecord(),
        EventRecord(),
        PositionRecord(),
        MeasureRecord(),
    )
}
