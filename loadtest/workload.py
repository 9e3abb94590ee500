"""What the simulated clients do: 80% reads, 20% writes, every write in a ledger.

Each client owns the records it creates (sources and positions), so the
expected end state of each is known; all clients share a few measures and
race to move them along their lifecycle. Every write carries an
Idempotency-Key and is retried with the same key while the server answers
503 or not at all, as a careful service would; the ledger keeps each write's
final outcome, which the verifier compares with the database.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from loadtest.wire import NETWORK_ERROR, Answer, Connection

WRITE_SHARE = 0.2
# Terminal statuses would end the race on a measure; the clients avoid them.
TERMINAL = {"lifted", "withdrawn", "lapsed"}
RETRIES = 6

READS = [
    "/api/v1/positions/?limit=20",
    "/api/v1/positions/?stance=condemn&ordering=-stated_on",
    "/api/v1/actors/?q=United",
    "/api/v1/actors/ukraine/",
    "/api/v1/events/kyiv-drone-strike/responses/",
    "/api/v1/events/kyiv-drone-strike/matrix/",
    "/api/v1/measures/?status=threatened&status=proposed",
    "/api/v1/sources/?limit=50",
    "/api/v1/stats/follow-through/",
    "/api/v1/changes/?limit=100",
    "/api/v1/status-changes/?limit=20",
]


@dataclass
class Write:
    """One write as the client saw it: what it sent and how it ended."""

    op: str
    tag: str
    started: float
    status: int = NETWORK_ERROR
    attempts: int = 0
    record_id: int | None = None
    target_id: int | None = None
    value: str = ""

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300

    @property
    def refused(self) -> bool:
        """A 4xx: the server says it applied nothing."""
        return 400 <= self.status < 500

    @property
    def in_doubt(self) -> bool:
        return not self.acknowledged and not self.refused


@dataclass
class Stats:
    statuses: Counter[int] = field(default_factory=Counter)
    by_operation: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    answers: list[tuple[float, int]] = field(default_factory=list)  # (time, status)
    writes: list[Write] = field(default_factory=list)

    def record(self, operation: str, answer: Answer) -> None:
        self.statuses[answer.status] += 1
        self.by_operation[operation] += 1
        self.latencies.append(answer.seconds)
        self.answers.append((time.monotonic(), answer.status))


@dataclass
class Shared:
    port: int
    token: str
    run_id: str
    source_ids: list[int]
    measure_ids: list[int]
    actor_slug: str
    event_slug: str
    deadline: float
    stop: threading.Event = field(default_factory=threading.Event)


class Client(threading.Thread):
    def __init__(self, number: int, shared: Shared, seed: int) -> None:
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.shared = shared
        self.random = random.Random(seed)
        self.connection = Connection(shared.port, shared.token)
        self.stats = Stats()
        self.sequence = 0
        self.own_sources: list[int] = []
        self.own_positions: list[int] = []

    def tag(self) -> str:
        self.sequence += 1
        return f"{self.shared.run_id}-c{self.number}-{self.sequence}"

    def run(self) -> None:
        while time.monotonic() < self.shared.deadline and not self.shared.stop.is_set():
            if self.random.random() < WRITE_SHARE:
                self.write()
            else:
                self.read()
        self.connection.close()

    def call(
        self, operation: str, method: str, path: str, body: Any = None, **headers: str
    ) -> Answer:
        answer = self.connection.request(method, path, body, headers)
        self.stats.record(operation, answer)
        return answer

    def read(self) -> None:
        answer = self.call("read", "GET", self.random.choice(READS))
        if answer.status in (NETWORK_ERROR, 503):
            self.pause(answer, at_most=1.0)

    def pause(self, answer: Answer, at_most: float) -> None:
        retry_after = float(answer.headers.get("retry-after", "1") or 1)
        time.sleep(min(retry_after, at_most))

    # Writes

    def write(self) -> None:
        # Creates 55%, edits 15%, transitions 15%, deletes 15% of the writes.
        choice = self.random.random()
        if choice < 0.25:
            self.create_source()
        elif choice < 0.55:
            self.create_position()
        elif choice < 0.70:
            self.update_position() if self.own_positions else self.create_position()
        elif choice < 0.85:
            self.transition_measure()
        else:
            self.delete_source() if self.own_sources else self.create_source()

    def send_write(self, write: Write, method: str, path: str, body: Any = None) -> Answer:
        """Send once, and again with the same key while the outcome is unknown."""
        key = str(uuid.uuid4())
        answer = Answer(NETWORK_ERROR)
        for attempt in range(1, RETRIES + 1):
            write.attempts = attempt
            headers = {"Idempotency-Key": key} if method == "POST" else {}
            answer = self.call(write.op, method, path, body, **headers)
            if answer.status not in (NETWORK_ERROR, 503) or self.shared.stop.is_set():
                break
            self.pause(answer, at_most=5.0)
        write.status = answer.status
        self.stats.writes.append(write)
        return answer

    def create_source(self) -> None:
        write = Write("create_source", self.tag(), time.monotonic())
        write.value = write.tag
        answer = self.send_write(
            write, "POST", "/api/v1/sources/", {"kind": "news_article", "title": write.tag}
        )
        if write.acknowledged:
            write.record_id = answer.json()["id"]
            self.own_sources.append(write.record_id)

    def create_position(self) -> None:
        write = Write("create_position", self.tag(), time.monotonic())
        write.value = write.tag
        body = {
            "actor": self.shared.actor_slug,
            "event": self.shared.event_slug,
            "stance": "condemn",
            "summary": write.tag,
            "sources": [self.random.choice(self.shared.source_ids)],
        }
        answer = self.send_write(write, "POST", "/api/v1/positions/", body)
        if write.acknowledged:
            write.record_id = answer.json()["id"]
            self.own_positions.append(write.record_id)

    def update_position(self) -> None:
        position = self.random.choice(self.own_positions)
        write = Write("update_position", self.tag(), time.monotonic(), target_id=position)
        write.value = f"{write.tag} (edited)"
        self.send_write(write, "PATCH", f"/api/v1/positions/{position}/", {"summary": write.value})

    def delete_source(self) -> None:
        source = self.own_sources.pop(self.random.randrange(len(self.own_sources)))
        write = Write("delete_source", self.tag(), time.monotonic(), target_id=source)
        self.send_write(write, "DELETE", f"/api/v1/sources/{source}/")

    def transition_measure(self) -> None:
        measure = self.random.choice(self.shared.measure_ids)
        current = self.call("read", "GET", f"/api/v1/measures/{measure}/")
        if current.status != 200:
            return
        data = current.json()
        moves = [move for move in data["allowed_transitions"] if move not in TERMINAL]
        if not moves:
            return
        write = Write("transition", self.tag(), time.monotonic(), target_id=measure)
        write.value = self.random.choice(moves)
        body = {
            "to": write.value,
            "expected": data["status"],
            "source": self.random.choice(self.shared.source_ids),
            "note": write.tag,
        }
        answer = self.send_write(write, "POST", f"/api/v1/measures/{measure}/transitions/", body)
        if write.acknowledged:
            write.record_id = answer.json()["id"]
