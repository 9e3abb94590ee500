"""Load spread over several app servers, and clients that check they read their own writes."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from loadtest.wire import NETWORK_ERROR, Connection
from loadtest.workload import Client, Shared, Stats, Write


@dataclass
class Scene:
    """What every client of a run shares: the servers, a token, the records to work on."""

    ports: list[int]
    token: str
    run_id: str
    source_ids: list[int]
    measure_ids: list[int]
    # Client numbers name the records they create: unique over the whole run.
    numbers: itertools.count = field(default_factory=itertools.count)


class Reader(Client):
    """An anonymous client of the usual mix whose writes are reads."""

    def __init__(self, number: int, shared: Shared, seed: int) -> None:
        super().__init__(number, shared, seed)
        self.connection = Connection(shared.port)

    def write(self) -> None:
        self.read()


class Load:
    """``clients`` clients for ``seconds``, spread over the first ``servers`` app servers."""

    def __init__(
        self,
        scene: Scene,
        clients: int,
        seconds: float,
        client: type[Client] = Client,
        servers: int | None = None,
        background: bool = False,
    ) -> None:
        self.started = time.monotonic()
        ports = scene.ports[: servers or len(scene.ports)]
        self.clients = []
        for index in range(clients):
            shared = Shared(
                port=ports[index % len(ports)],
                token=scene.token,
                run_id=scene.run_id,
                source_ids=scene.source_ids,
                measure_ids=scene.measure_ids,
                actor_slug="european-union",
                event_slug="kyiv-drone-strike",
                deadline=self.started + seconds,
            )
            number = next(scene.numbers)
            self.clients.append(client(number, shared, seed=number))
        for each in self.clients:
            each.start()
        self.stats = Stats()
        self.elapsed = 0.0
        if not background:
            self.join()

    def join(self) -> None:
        for each in self.clients:
            each.join(timeout=300)
        self.elapsed = time.monotonic() - self.started
        for each in self.clients:
            self.stats.statuses.update(each.stats.statuses)
            self.stats.latencies.extend(each.stats.latencies)
            self.stats.answers.extend(each.stats.answers)
            self.stats.writes.extend(each.stats.writes)

    @property
    def writes(self) -> list[Write]:
        return self.stats.writes

    @property
    def rate(self) -> float:
        return sum(self.stats.statuses.values()) / max(self.elapsed, 1e-9)

    def summary(self) -> str:
        total = sum(self.stats.statuses.values())
        statuses = ", ".join(
            f"{'no answer' if status == NETWORK_ERROR else status}: {count}"
            for status, count in sorted(self.stats.statuses.items())
        )
        return f"{total} requests in {self.elapsed:.1f} s ({self.rate:.0f}/s; {statuses})"

    def failures(self) -> list[str]:
        failed = {
            status: count
            for status, count in self.stats.statuses.items()
            if status >= 500 or status == NETWORK_ERROR
        }
        return [f"failed requests: {failed}"] if failed else []


class OwnWrites(threading.Thread):
    """Writes through one app server and reads the record back at once through the other."""

    def __init__(self, scene: Scene, seconds: float) -> None:
        super().__init__(daemon=True)
        self.scene = scene
        self.number = next(scene.numbers)
        self.deadline = time.monotonic() + seconds
        self.connections = [Connection(port, scene.token) for port in scene.ports]
        self.checks = 0
        self.stale: list[str] = []
        self.errors: Counter[tuple[str, int]] = Counter()
        self.sequence = 0

    @classmethod
    def start_some(cls, scene: Scene, count: int, seconds: float) -> list[OwnWrites]:
        clients = [cls(scene, seconds) for _ in range(count)]
        for client in clients:
            client.start()
        return clients

    @staticmethod
    def report(clients: list[OwnWrites]) -> list[str]:
        for client in clients:
            client.join(timeout=300)
        checks = sum(client.checks for client in clients)
        stale = [line for client in clients for line in client.stale]
        errors: Counter[tuple[str, int]] = Counter()
        for client in clients:
            errors.update(client.errors)
        print(f"   own writes read back at once through the other app server: {checks} reads, "
              f"{len(stale)} stale, errors {dict(errors) or 'none'}")  # fmt: skip
        failures = [f"a client did not read its own write: {line}" for line in stale[:5]]
        if errors:
            failures.append(f"own-write checks failed: {dict(errors)}")
        return failures

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            self.cycle()

    def cycle(self) -> None:
        """Create a position through one server, edit it through the other, read each back."""
        self.sequence += 1
        writer, reader = self.connections[self.sequence % 2], self.connections[~self.sequence % 2]
        tag = f"{self.scene.run_id}own-{self.number}-{self.sequence}"
        body = {
            "actor": "european-union",
            "event": "kyiv-drone-strike",
            "stance": "condemn",
            "summary": tag,
            "sources": [self.scene.source_ids[0]],
        }
        key = {"Idempotency-Key": str(uuid.uuid4())}
        created = writer.request("POST", "/api/v1/positions/", body, key)
        if created.status != 201:
            self.errors["create", created.status] += 1
            return
        path = f"/api/v1/positions/{created.json()['id']}/"
        self.expect(reader, path, tag)
        edited = reader.request("PATCH", path, {"summary": f"{tag} (edited)"})
        if edited.status != 200:
            self.errors["edit", edited.status] += 1
            return
        self.expect(writer, path, f"{tag} (edited)")

    def expect(self, connection: Connection, path: str, summary: str) -> None:
        answer = connection.request("GET", path)
        self.checks += 1
        if answer.status != 200:
            self.errors["read", answer.status] += 1
        elif answer.json()["summary"] != summary:
            self.stale.append(f"{path} read {answer.json()['summary']!r}, wrote {summary!r}")
