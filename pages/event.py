"""What the event page shows: who said what about an event, bounded for a busy one.

The counts come from ``response_matrix`` (every position on the event, one
query); the page then lists the quotes of a few positions per cell only, and
links each cell to the API's list of all of them. A busy event has thousands
of positions by hundreds of actors: listing them all would make a page of
megabytes that nobody reads to the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Model, Prefetch
from django.urls import reverse

from actors.choices import ActorKind
from responses.analysis import response_matrix
from responses.choices import Impact, MeasureStatus, Stance
from responses.models import Event, Measure, Position, Source

# What the pages show of a measure, beside its actors and event.
MEASURE_COLUMNS = (
    "id",
    "kind",
    "status",
    "condition",
    "deadline",
    "announced_on",
    "effective_on",
    "ended_on",
    "description",
)

# The actors with most positions on the event get a row of the matrix; the
# totals per stance and per kind of actor still count every actor.
MATRIX_ACTORS = 25
# Quotes listed in a cell of the matrix; the cell links to the rest.
QUOTES_PER_CELL = 2
MEASURES_LISTED = 30
SOURCES_LISTED = 20
PARTICIPANTS_LISTED = 20
# What a listed source shows.
SOURCE_COLUMNS = ("id", "title", "publisher", "url", "published_on")


def listed_sources() -> Prefetch:
    return Prefetch("sources", queryset=Source.objects.only(*SOURCE_COLUMNS).order_by("id"))


def cited(through: type[Model], owner: str, ids: Iterable[int]) -> dict[int, list[SimpleNamespace]]:
    """The sources each record of ``ids`` cites (title, publisher, url), by the record's id.

    ``through`` is the records' table of sources (``Position.sources.through``),
    ``owner`` its column naming the record (``position_id``).
    """
    found: dict[int, list[SimpleNamespace]] = {}
    for key, title, publisher, url in (
        through._default_manager.filter(**{f"{owner}__in": list(ids)})
        .order_by("source_id")
        .values_list(owner, "source__title", "source__publisher", "source__url")
    ):
        found.setdefault(key, []).append(SimpleNamespace(title=title, publisher=publisher, url=url))
    return found


def api_list(name: str, **filters: str) -> str:
    """The API's list ``name`` narrowed by ``filters``: where a bounded list's rest is."""
    return f"{reverse(name)}?{urlencode(filters)}"


@dataclass
class Cell:
    stance: str
    count: int
    positions: list[SimpleNamespace] = field(default_factory=list)
    all_url: str = ""

    @property
    def more(self) -> int:
        return self.count - len(self.positions)


@dataclass
class Row:
    actor: Any
    total: int
    cells: list[Cell]


def event_for_page(slug: str) -> Event:
    """The event and the actors it names (raises ``Event.DoesNotExist``)."""
    return (
        Event.objects.select_related("conflict", "initiator", "target")
        .defer("search_vector")
        .get(slug=slug)
    )


def matrix_rows(event: Event, matrix: dict[str, Any]) -> tuple[list[Row], list[dict[str, str]]]:
    """The rows of the busiest actors (most positions first) and the stances they use."""
    busiest = sorted(matrix["rows"], key=lambda row: (-row["total"], row["actor"].name))
    shown = busiest[:MATRIX_ACTORS]
    # Columns only for stances someone took: twelve mostly empty columns do
    # not fit a phone. The totals table below lists every stance.
    used = [column for column in matrix["columns"] if matrix["totals"]["counts"][column["stance"]]]
    quoted = [
        position.pk
        for row in shown
        for column in used
        for position in row["cells"][column["stance"]][:QUOTES_PER_CELL]
    ]
    # Plain values, not model instances: a busy event quotes hundreds of
    # positions, and an instance with a related manager each costs.
    sources = cited(Position.sources.through, "position_id", quoted)
    details = {
        pk: SimpleNamespace(
            summary=summary,
            quote=quote,
            stated_on=stated_on,
            stated_on_precision=precision,
            speaker=speaker,
            sources=sources.get(pk, []),
        )
        for pk, summary, quote, stated_on, precision, speaker in Position.objects.filter(
            pk__in=quoted
        ).values_list("id", "summary", "quote", "stated_on", "stated_on_precision", "speaker__name")
    }
    # The API's list of positions, reversed once: a busy event has hundreds of cells.
    positions_url = reverse("api:position-list")
    rows = []
    for row in shown:
        cells = []
        for column in used:
            stance = column["stance"]
            listed = row["cells"][stance][:QUOTES_PER_CELL]
            cells.append(
                Cell(
                    stance=stance,
                    count=row["counts"][stance],
                    positions=[details[position.pk] for position in listed],
                    all_url=f"{positions_url}?"
                    + urlencode(
                        {"event": event.slug, "actor": row["actor"].slug, "stance": stance}
                    ),
                )
            )
        rows.append(Row(actor=row["actor"], total=row["total"], cells=cells))
    return rows, used


def measures_about(event: Event) -> dict[str, Any]:
    """The measures the event prompted: how many in each status, and the latest few."""
    by_status = dict(
        Measure.objects.filter(event_id=event.pk)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    listed = list(
        Measure.objects.filter(event_id=event.pk)
        .select_related("actor", "target")
        .only(
            *MEASURE_COLUMNS,
            *(f"{side}__{name}" for side in ("actor", "target") for name in ("slug", "name")),
        )
        .prefetch_related(listed_sources())
        .order_by("-announced_on", "-id")[:MEASURES_LISTED]
    )
    return {
        "by_status": [
            {"status": status.label, "count": by_status[status.value]}
            for status in MeasureStatus
            if by_status.get(status.value)
        ],
        "total": sum(by_status.values()),
        "listed": listed,
        "all_url": api_list("api:measure-list", event=event.slug),
    }


def event_page(event: Event) -> dict[str, Any]:
    """Everything the event page shows, in a fixed number of queries."""
    matrix: dict[str, Any] = dict(response_matrix(event))
    rows, columns = matrix_rows(event, matrix)
    sources = list(event.sources.only(*SOURCE_COLUMNS).order_by("id")[: SOURCES_LISTED + 1])
    participants = list(
        event.participants.only("id", "slug", "name").order_by("name")[: PARTICIPANTS_LISTED + 1]
    )
    labels = dict(Stance.choices)
    kinds = dict(ActorKind.choices)
    impacts = dict(Impact.choices)
    totals = matrix["totals"]
    return {
        "event": event,
        "impacts": [impacts.get(impact, impact) for impact in event.impacts],
        "sources": sources[:SOURCES_LISTED],
        "more_sources": len(sources) > SOURCES_LISTED,
        "participants": participants[:PARTICIPANTS_LISTED],
        "more_participants": len(participants) > PARTICIPANTS_LISTED,
        "columns": columns,
        "rows": rows,
        "actors": len(matrix["rows"]),
        "stance_totals": [
            {
                "stance": stance,
                "label": labels[stance],
                "count": count,
                "all_url": api_list("api:position-list", event=event.slug, stance=stance),
            }
            for stance, count in totals["counts"].items()
        ],
        "total": totals["total"],
        "by_actor_kind": [
            {"label": kinds[tally["kind"]], "total": tally["total"]}
            for tally in matrix["by_actor_kind"]
        ],
        "measures": measures_about(event),
        "quotes_per_cell": QUOTES_PER_CELL,
        "positions_url": api_list("api:position-list", event=event.slug),
        "matrix_url": reverse("api:event-matrix", kwargs={"slug": event.slug}),
        "api_url": reverse("api:event-detail", kwargs={"slug": event.slug}),
    }
