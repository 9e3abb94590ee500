"""After the load: is every acknowledged write in the database, and nothing else?

Runs in the harness's own process against the test cluster, with the ORM.
Lost: an acknowledged write that is not there. Phantom: a record carrying
this run's tag that no write created, or that a write the server refused
(4xx) created. A write whose outcome stayed unknown (no answer, or 503 on
every try) may be there or not, but if it is there it must be whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from loadtest.workload import Write

TERMINAL_OK = {"acknowledged", "refused", "in_doubt"}


@dataclass
class Report:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    def expect(self, condition: bool, problem: str) -> None:
        self.checked += 1
        if not condition:
            self.problems.append(problem)


def verify(writes: list[Write], run_id: str, measure_ids: list[int]) -> Report:
    from responses.models import Change, Measure, MeasureStatusChange, Position, Source

    report = Report()
    by_op: dict[str, list[Write]] = defaultdict(list)
    for write in writes:
        by_op[write.op].append(write)
    prefix = f"{run_id}-"

    # Sources: created, perhaps deleted later.
    sources = dict(Source.objects.filter(title__startswith=prefix).values_list("title", "id"))
    deleted = {
        w.target_id for w in by_op["delete_source"] if w.target_id and (w.acknowledged or w.refused)
    }
    maybe_deleted = {w.target_id for w in by_op["delete_source"] if w.in_doubt}
    created_tags = set()
    for write in by_op["create_source"]:
        created_tags.add(write.tag)
        present = write.tag in sources
        if write.acknowledged and write.record_id not in deleted | maybe_deleted:
            report.expect(present, f"lost: source {write.tag} (id {write.record_id})")
        if write.refused:
            report.expect(not present, f"phantom: refused source {write.tag} exists")
    for title in sources:
        report.expect(title in created_tags, f"phantom: source {title} was never sent")
    for source_id in deleted:
        report.expect(
            not Source.objects.filter(pk=source_id).exists(),
            f"lost delete: source {source_id} is still there",
        )

    # Positions: created with one source, then perhaps edited.
    positions = {
        position.pk: position
        for position in Position.objects.filter(summary__startswith=prefix).prefetch_related(
            "sources"
        )
    }
    by_tag = {
        position.summary.removesuffix(" (edited)"): position for position in positions.values()
    }
    sent_tags = {write.tag for write in by_op["create_position"]}
    for write in by_op["create_position"]:
        if write.acknowledged:
            report.expect(write.record_id in positions, f"lost: position {write.tag}")
        if write.refused:
            report.expect(write.tag not in by_tag, f"phantom: refused position {write.tag}")
    edit_tags = {write.tag for write in by_op["update_position"]}
    for position in positions.values():
        tag = position.summary.removesuffix(" (edited)")
        report.expect(tag in sent_tags | edit_tags, f"phantom: position {position.summary}")
        report.expect(
            bool(position.sources.all()), f"half-written: position {position.pk} has no source"
        )
    # The last acknowledged edit of each position is its summary, unless a later
    # edit's outcome is unknown (then either may be).
    edits: dict[int, list[Write]] = defaultdict(list)
    for write in by_op["update_position"]:
        if write.target_id is not None:
            edits[write.target_id].append(write)
    for position_id, history in edits.items():
        history.sort(key=lambda write: write.started)
        acknowledged = [i for i, write in enumerate(history) if write.acknowledged]
        if not acknowledged or position_id not in positions:
            continue
        allowed = {history[acknowledged[-1]].value} | {
            write.value for write in history[acknowledged[-1] + 1 :] if write.in_doubt
        }
        report.expect(
            positions[position_id].summary in allowed,
            f"lost update: position {position_id} reads {positions[position_id].summary!r}",
        )

    # Every record this run created has its entry in the change feed.
    fed = set(
        Change.objects.filter(resource__in=["sources", "positions"], action="created").values_list(
            "resource", "object_id"
        )
    )
    for source_id in sources.values():
        report.expect(
            ("sources", source_id) in fed, f"half-written: source {source_id} not in feed"
        )
    for position_id in positions:
        report.expect(("positions", position_id) in fed, f"half-written: position {position_id}")

    # Transitions: each acknowledged one is recorded; histories are chains.
    changes = dict(
        MeasureStatusChange.objects.filter(note__startswith=prefix).values_list("note", "id")
    )
    sent_notes = {write.tag for write in by_op["transition"]}
    for write in by_op["transition"]:
        if write.acknowledged:
            report.expect(
                changes.get(write.tag) == write.record_id, f"lost: transition {write.tag}"
            )
        if write.refused:
            report.expect(write.tag not in changes, f"phantom: refused transition {write.tag}")
    for note in changes:
        report.expect(note in sent_notes, f"phantom: transition {note} was never sent")
    for measure in Measure.objects.filter(pk__in=measure_ids):
        status = "threatened"
        for from_status, to_status in measure.status_changes.order_by(
            "created_at", "id"
        ).values_list("from_status", "to_status"):
            report.expect(from_status == status, f"broken history: measure {measure.pk}")
            status = to_status
        report.expect(measure.status == status, f"broken history: measure {measure.pk} status")
    return report
