from responses.models.changes import Change, ChangeAction, FeedPurge
from responses.models.conflicts import Conflict, ConflictParty
from responses.models.events import Event, EventParticipant, EventRelation
from responses.models.measures import Measure, MeasureStatusChange
from responses.models.positions import Position
from responses.models.sources import Source

__all__ = [
    "Change",
    "ChangeAction",
    "Conflict",
    "ConflictParty",
    "Event",
    "EventParticipant",
    "EventRelation",
    "FeedPurge",
    "Measure",
    "MeasureStatusChange",
    "Position",
    "Source",
]
