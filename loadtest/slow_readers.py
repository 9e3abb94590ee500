"""python -m loadtest.slow_readers: slow CSV export readers against the production server.

1. Create a throwaway PostgreSQL cluster (as ``python -m loadtest`` does); load the
   scenario and enough made-up positions that their CSV export outgrows what the
   loopback's socket buffers absorb (a few MB): a reader that reads slowly then
   keeps the server busy with its export for as long as it reads.
2. Start the production server on 127.0.0.1.
3. Run N readers for the duration, each fetching /api/v1/positions/export/ at a
   few KB/s through a real socket; a 503 is retried after its Retry-After.
4. Meanwhile probe /healthz and an ordinary list every half second, each on a
   fresh connection, and count PostgreSQL's connections.
5. Report; exit 1 if /healthz failed or took over a second, a list probe
   failed, or an export ended short of the whole file.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg

from loadtest.cluster import Cluster, free_port, own_name
from loadtest.server import (
    ROOT,
    SERVER_LOG,
    percentile,
    production_environment,
    start_server,
    verdict,
)
from loadtest.wire import HOST, NETWORK_ERROR, Connection

EXPORT = "/api/v1/positions/export/"
LIST = "/api/v1/positions/?limit=20"
HEALTH_LIMIT = 1.0  # seconds: a load balancer's health check gives up about there
PROBE_EVERY = 0.5
PROBE_TIMEOUT = 5.0
PIECE = 1024
# The readers ask for a small receive window, as a slow client's would be.
RECEIVE_BUFFER = 8192


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m loadtest.slow_readers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--readers", type=int, default=16, help="slow readers (default 16)")
    parser.add_argument("--rate", type=int, default=4096, help="bytes/s per reader (4096)")
    parser.add_argument("--positions", type=int, default=20000, help="made-up positions")
    parser.add_argument("--port", type=int, default=None, help="HTTP port (8200-8299)")
    parser.add_argument("--pg-port", type=int, default=None, help="PostgreSQL port (5440-5499)")
    # By default the layout gunicorn.conf.py ships.
    parser.add_argument("--workers", type=int, default=None, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker")
    return parser.parse_args()


def prepare_database(environment: dict[str, str], positions: int) -> None:
    """Schema, scenario and made-up positions (scripts/bulk_sample.py, import_records)."""

    def manage(*command: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=environment, check=True
        )

    manage("migrate", "--noinput", "-v0")
    manage("load_scenario", "-v0")
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as sample:
        subprocess.run(
            [sys.executable, "scripts/bulk_sample.py", "--positions", str(positions),
             "--actors", "50", "--events", "100", "--sources", "200", "--prefix", "slow"],
            cwd=ROOT, stdout=sample, check=True,
        )  # fmt: skip
        manage("import_records", "--no-progress", sample.name)


def fetch_export(port: int, timeout: float = 120) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", EXPORT)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Readings:
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    refusals_without_retry_after: int = 0
    finished_after_the_run: int = 0
    started: list[float] = field(default_factory=list)  # when each 200 began
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, problem: str = "") -> None:
        with self.lock:
            self.outcomes[outcome] += 1
            if problem:
                self.problems.append(problem)

    def add_late(self) -> None:
        with self.lock:
            self.finished_after_the_run += 1


class Reader(threading.Thread):
    """Reads the export at ``rate`` bytes a second until the deadline, again and again."""

    def __init__(
        self, port: int, rate: int, deadline: float, reference: bytes, readings: Readings
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.rate, self.deadline = port, rate, deadline
        self.reference, self.readings = reference, readings

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            wait = self.read_once()
            time.sleep(max(0.0, min(wait, self.deadline - time.monotonic())))

    def connect(self) -> http.client.HTTPConnection:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        sock.settimeout(30)
        sock.connect((HOST, self.port))
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        connection.sock = sock
        return connection

    def read_once(self) -> float:
        """One attempt; the seconds to wait before the next."""
        connection = None
        try:
            connection = self.connect()
            connection.request("GET", EXPORT)
            response = connection.getresponse()
            if response.status == 503:
                response.read()
                retry_after = response.getheader("Retry-After")
                if retry_after is None:
                    self.readings.refusals_without_retry_after += 1
                self.readings.add("refused (503)")
                return float(retry_after or 5)
            if response.status != 200:
                self.readings.add(f"status {response.status}", f"export answered {response.status}")
                return 1.0
            self.readings.started.append(time.monotonic())
            return self.read_slowly(response)
        except (OSError, http.client.HTTPException) as exc:
            self.readings.add("no answer", f"export: {exc!r}")
            return 1.0
        finally:
            if connection is not None:
                connection.close()

    def read_slowly(self, response: http.client.HTTPResponse) -> float:
        received = bytearray()
        started = time.monotonic()
        try:
            while piece := response.read(PIECE):
                received += piece
                if time.monotonic() >= self.deadline:
                    # The run is over, not the export: the rest at full speed, so that
                    # every export started is checked whole.
                    received += response.read()
                    self.readings.add_late()
                    break
                ahead = len(received) / self.rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
        except (OSError, http.client.HTTPException) as exc:
            self.readings.add(
                "truncated", f"an export stopped after {len(received)} bytes: {exc!r}"
            )
            return 1.0
        if bytes(received) == self.reference:
            self.readings.add("complete")
        else:
            self.readings.add("truncated", f"an export ended after {len(received)} bytes")
        return 0.0


@dataclass
class Probe:
    path: str
    seconds: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)
    failed_at: list[float] = field(default_factory=list)

    def observe(self, port: int) -> None:
        connection = Connection(port, timeout=PROBE_TIMEOUT)
        answer = connection.request("GET", self.path)
        connection.close()
        self.seconds.append(answer.seconds)
        if answer.status != 200:
            label = "no answer" if answer.status == NETWORK_ERROR else str(answer.status)
            self.failures[label] += 1
            self.failed_at.append(time.monotonic() - answer.seconds)

    def summary(self) -> str:
        failures = ", ".join(f"{n} {label}" for label, n in self.failures.items()) or "none"
        return (
            f"{self.path}: {len(self.seconds)} probes, "
            f"p50 {percentile(self.seconds, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(self.seconds, 0.99) * 1000:.0f} ms, "
            f"max {max(self.seconds, default=0) * 1000:.0f} ms; failures: {failures}"
        )


def database_connections(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(row[0]) if row else 0


def probe_until(port: int, deadline: float, url: str) -> tuple[Probe, Probe, int]:
    health, listing, most_connections = Probe("/healthz"), Probe(LIST), 0
    tick = time.monotonic()
    while tick < deadline:
        health.observe(port)
        listing.observe(port)
        most_connections = max(most_connections, database_connections(url))
        tick += PROBE_EVERY
        time.sleep(max(0.0, tick - time.monotonic()))
    return health, listing, most_connections


def main() -> int:
    arguments = parse_arguments()
    port = arguments.port or free_port(8200, 8299)
    cluster = Cluster(own_name(), arguments.pg_port or free_port(5440, 5499))
    environment = {**os.environ, **production_environment(cluster.url)}
    server: subprocess.Popen | None = None
    failures: list[str] = []
    print(f"Slow readers: PostgreSQL {cluster.version} cluster '{cluster.name}' on port "
          f"{cluster.port}, gunicorn on 127.0.0.1:{port}")  # fmt: skip
    try:
        cluster.create()
        prepare_database(environment, arguments.positions)
        server = start_server(port, environment, arguments.workers, arguments.threads)
        status, body = fetch_export(port)
        if status != 200:
            raise SystemExit(f"The export answered {status} before the run.")
        reference = body
        rows = body.count(b"\n") - 1
        print(f"Export: {rows} rows, {len(body) / 1e6:.1f} MB; "
              f"{arguments.readers} readers at {arguments.rate / 1024:.0f} KB/s each, "
              f"{arguments.duration:.0f} s")  # fmt: skip
        readings = Readings()
        deadline = time.monotonic() + arguments.duration
        readers = [
            Reader(port, arguments.rate, deadline, reference, readings)
            for _ in range(arguments.readers)
        ]
        for reader in readers:
            reader.start()
        time.sleep(1)  # the readers' first requests reach the server before the first probe
        health, listing, most_connections = probe_until(port, deadline, cluster.url)
        for reader in readers:
            reader.join(timeout=60)
        # Every reader has hung up: the server must serve the whole file again.
        status, body = fetch_export(port)
        start = deadline - arguments.duration
        failures += report(start, health, listing, most_connections, readings)
        if status != 200 or body != reference:
            failures.append(f"the export after the run was not the whole file ({status})")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        server = None
        log = SERVER_LOG.read_text(errors="replace")
        print(f"Server log ({SERVER_LOG}): {log.count(chr(10))} lines, {log.count('Traceback')} "
              f"tracebacks, {log.count('WORKER TIMEOUT')} worker timeouts")  # fmt: skip
    finally:
        if server is not None:
            server.kill()
        cluster.drop()
    return verdict("Slow readers test", failures)


def report(
    start: float,
    health: Probe,
    listing: Probe,
    most_connections: int,
    readings: Readings,
) -> list[str]:
    print(f"\n  {health.summary()}\n  {listing.summary()}")
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in readings.outcomes.most_common())
    late = readings.finished_after_the_run
    print(f"  exports: {outcomes} ({late} of them read to the end after the run)")
    print(f"  PostgreSQL connections: at most {most_connections} (probes' own excluded)")
    print(f"  exports began streaming at (s): {offsets(readings.started, start)}")
    print(f"  /healthz failed at (s): {offsets(health.failed_at, start)}")
    failures = [*readings.problems[:10]]
    slow = [seconds for seconds in health.seconds if seconds > HEALTH_LIMIT]
    if health.failures or slow:
        failures.append(
            f"/healthz failed {sum(health.failures.values())} times and took over "
            f"{HEALTH_LIMIT:.0f} s {len(slow)} times"
        )
    if listing.failures:
        failures.append(f"the list failed {sum(listing.failures.values())} times")
    if readings.refusals_without_retry_after:
        failures.append(f"{readings.refusals_without_retry_after} 503s without Retry-After")
    return failures


def offsets(moments: list[float], start: float) -> str:
    return " ".join(f"{moment - start:.0f}" for moment in sorted(moments)) or "-"


if __name__ == "__main__":
    sys.exit(main())
