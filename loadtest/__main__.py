"""python -m loadtest: load (and optionally a database outage) against gunicorn + PostgreSQL.

1. Create a throwaway PostgreSQL cluster on its own port; migrate; load the scenario.
2. Start the production server (gunicorn, DEBUG off) on 127.0.0.1.
3. Run N clients for the duration: 80% reads, 20% writes, all on loopback.
4. With --outage, stop PostgreSQL for that many seconds while they run, and
   probe the API and /healthz meanwhile: 503 JSON with Retry-After expected.
5. Stop; report requests, statuses and throughput; verify the database against
   every acknowledged write; drop the cluster. Exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

from loadtest.cluster import Cluster, free_port, own_name
from loadtest.data import prepare_database
from loadtest.server import (
    SERVER_LOG,
    percentile,
    production_environment,
    start_server,
    verdict,
)
from loadtest.verify import verify
from loadtest.wire import NETWORK_ERROR, Connection
from loadtest.workload import Client, Shared, Stats


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m loadtest", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=24, help="concurrent clients (default 24)")
    parser.add_argument("--outage-at", type=float, default=None, help="stop PostgreSQL after N s")
    parser.add_argument("--outage", type=float, default=10, help="seconds PostgreSQL stays down")
    # Ports: the first free ones in these ranges, unless given.
    parser.add_argument("--port", type=int, default=None, help="HTTP port (8200-8299)")
    parser.add_argument("--pg-port", type=int, default=None, help="PostgreSQL port (5440-5499)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    return parser.parse_args()


class OutageProbe(threading.Thread):
    """Stops PostgreSQL for a while and watches what the API says meanwhile."""

    def __init__(self, cluster: Cluster, port: int, at: float, length: float) -> None:
        super().__init__(name="outage", daemon=True)
        self.cluster, self.port, self.at, self.length = cluster, port, at, length
        self.observations: list[tuple[str, int, bool, bool, str]] = []
        self.stopped_at = self.started_at = self.recovered_at = 0.0

    def run(self) -> None:
        time.sleep(self.at)
        self.stopped_at = time.monotonic()
        self.cluster.stop()
        api, health = Connection(self.port), Connection(self.port)
        while time.monotonic() < self.stopped_at + self.length:
            self.observe(api, "/api/v1/actors/")
            self.observe(health, "/healthz")
            time.sleep(0.5)
        self.cluster.start()
        self.started_at = time.monotonic()
        while time.monotonic() < self.started_at + 30:
            if health.request("GET", "/healthz").status == 200:
                self.recovered_at = time.monotonic()
                break
            time.sleep(0.2)

    def observe(self, connection: Connection, path: str) -> None:
        answer = connection.request("GET", path)
        try:
            body = answer.json()
            is_json = True
        except ValueError:
            body, is_json = {}, False
        detail = str(body.get("database") or (body.get("errors") or [{}])[0].get("code", ""))
        self.observations.append(
            (path, answer.status, is_json, "retry-after" in answer.headers, detail)
        )


def check_body_limit(port: int, token: str) -> bool:
    """A body over the limit through gunicorn, with a real Content-Length: 413 JSON."""
    answer = Connection(port, token).request(
        "POST", "/api/v1/sources/", {"kind": "other", "title": "x" * (3 * 1024 * 1024)}
    )
    return answer.status == 413 and answer.json()["errors"][0]["code"] == "payload_too_large"


def deadlocks_logged(cluster: Cluster, since_bytes: int) -> int:
    try:
        with cluster.log_file.open("rb") as log:
            log.seek(since_bytes)
            return log.read().count(b"deadlock detected")
    except OSError:
        return 0


def main() -> int:
    arguments = parse_arguments()
    run_id = f"L{secrets.token_hex(3)}"
    arguments.port = arguments.port or free_port(8200, 8299)
    cluster = Cluster(own_name(), arguments.pg_port or free_port(5440, 5499))
    environment = production_environment(cluster.url)
    # Clients keep their connections between requests; a stop need not wait long.
    environment |= {"GUNICORN_KEEPALIVE": "10", "GUNICORN_GRACEFUL_TIMEOUT": "5"}
    os.environ.update(environment)
    server: subprocess.Popen | None = None
    failures: list[str] = []
    print(f"Load test {run_id}: PostgreSQL {cluster.version} cluster '{cluster.name}' on port "
          f"{cluster.port}, gunicorn on 127.0.0.1:{arguments.port}")  # fmt: skip
    try:
        cluster.create()
        token, source_ids, measure_ids = prepare_database(run_id)
        log_start = cluster.log_file.stat().st_size if cluster.log_file.exists() else 0
        server = start_server(arguments.port, environment, arguments.workers, arguments.threads)
        if not check_body_limit(arguments.port, token):
            failures.append("a body over the limit was not refused with a 413 JSON error")
        started = time.monotonic()
        shared = Shared(
            port=arguments.port,
            token=token,
            run_id=run_id,
            source_ids=source_ids,
            measure_ids=measure_ids,
            actor_slug="european-union",
            event_slug="kyiv-drone-strike",
            deadline=started + arguments.duration,
        )
        clients = [Client(number, shared, seed=number) for number in range(arguments.clients)]
        probe = None
        if arguments.outage_at is not None:
            probe = OutageProbe(cluster, arguments.port, arguments.outage_at, arguments.outage)
            probe.start()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=arguments.duration + 120)
        shared.stop.set()
        elapsed = time.monotonic() - started
        if probe is not None:
            probe.join(timeout=60)
        stats = Stats()
        for client in clients:
            stats.statuses.update(client.stats.statuses)
            stats.by_operation.update(client.stats.by_operation)
            stats.latencies.extend(client.stats.latencies)
            stats.answers.extend(client.stats.answers)
            stats.writes.extend(client.stats.writes)
        failures += report_load(stats, elapsed, arguments, probe)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        server = None
        cluster.wait_ready()
        result = verify(stats.writes, run_id, measure_ids)
        deadlocks = deadlocks_logged(cluster, log_start)
        failures += report_verification(stats, result.checked, result.problems, deadlocks)
        log = SERVER_LOG.read_text(errors="replace")
        print(f"Server log ({SERVER_LOG}): {log.count(chr(10))} lines, "
              f"{log.count('Traceback')} tracebacks, {log.count('Internal Server Error')} "
              "internal server errors")  # fmt: skip
        if "Internal Server Error" in log:
            failures.append(f"the server logged internal server errors (see {SERVER_LOG})")
    finally:
        if server is not None:
            server.kill()
        from django.db import connections

        connections.close_all()
        cluster.drop()
    return verdict("Load test", failures)


def report_load(
    stats: Stats, elapsed: float, arguments: argparse.Namespace, probe: OutageProbe | None
) -> list[str]:
    failures = []
    total = sum(stats.statuses.values())
    print(f"\n{arguments.clients} clients, {elapsed:.1f} s: {total} requests, "
          f"{total / elapsed:.0f} requests/s")  # fmt: skip
    print("  by status: " + ", ".join(
        f"{'no answer' if status == NETWORK_ERROR else status}: {count}"
        for status, count in sorted(stats.statuses.items())
    ))  # fmt: skip
    print(
        "  by operation: " + ", ".join(f"{op}: {n}" for op, n in stats.by_operation.most_common())
    )
    print(f"  latency: p50 {percentile(stats.latencies, 0.5) * 1000:.0f} ms, "
          f"p95 {percentile(stats.latencies, 0.95) * 1000:.0f} ms, "
          f"p99 {percentile(stats.latencies, 0.99) * 1000:.0f} ms")  # fmt: skip
    reads = stats.by_operation["read"]
    print(f"  reads {reads / max(total, 1):.0%}, writes {(total - reads) / max(total, 1):.0%}")
    # Outside an outage (and a short grace after it) nothing may fail; inside it, only 503s.
    window = (0.0, 0.0)
    if probe is not None:
        window = (probe.stopped_at - 1, (probe.recovered_at or probe.started_at) + 5)
    unexpected = Counter(
        status
        for moment, status in stats.answers
        if status >= 500 or status == NETWORK_ERROR
        if not (window[0] <= moment <= window[1] and status in (503, NETWORK_ERROR))
    )
    if unexpected:
        failures.append(f"server errors outside the outage: {dict(unexpected)}")
    if probe is not None:
        failures += report_outage(probe, stats)
    return failures


def report_outage(probe: OutageProbe, stats: Stats) -> list[str]:
    failures = []
    during = Counter(
        status
        for moment, status in stats.answers
        if probe.stopped_at <= moment <= (probe.recovered_at or probe.started_at)
    )
    api = [o for o in probe.observations if o[0] != "/healthz"]
    health = [o for o in probe.observations if o[0] == "/healthz"]
    print(f"\nOutage: PostgreSQL stopped for {probe.started_at - probe.stopped_at:.1f} s; "
          f"clients got {dict(during)} meanwhile")  # fmt: skip
    print(
        f"  API probe: {Counter(o[1] for o in api)}, health probe: {Counter(o[1] for o in health)}"
    )
    if probe.recovered_at:
        print(f"  healthy again {probe.recovered_at - probe.started_at:.1f} s after the restart, "
              "without restarting the server")  # fmt: skip
    else:
        failures.append("the server did not recover after PostgreSQL came back")
    bad_api = [
        o for o in api if not (o[1] == 503 and o[2] and o[3] and o[4] == "service_unavailable")
    ]
    if not api or bad_api:
        failures.append(
            f"the API did not answer 503 JSON with Retry-After while down: {bad_api[:3]}"
        )
    bad_health = [o for o in health if not (o[1] == 503 and o[2] and o[3] and o[4] == "down")]
    if not health or bad_health:
        failures.append(f"/healthz did not report the database down: {bad_health[:3]}")
    return failures


def report_verification(
    stats: Stats, checked: int, problems: list[str], deadlocks: int
) -> list[str]:
    writes = stats.writes
    outcome = Counter(
        "acknowledged" if w.acknowledged else "refused" if w.refused else "in doubt" for w in writes
    )
    retried = sum(w.attempts > 1 for w in writes)
    print(f"\nWrites: {len(writes)} ({dict(outcome)}; {retried} retried with their key)")
    print(f"  by kind: {dict(Counter(w.op for w in writes))}")
    print(f"  refusals: {dict(Counter((w.op, w.status) for w in writes if w.refused))}")
    print(f"Verification: {checked} checks against the database, {len(problems)} problems; "
          f"{deadlocks} deadlocks in the PostgreSQL log")  # fmt: skip
    failures = [*problems[:20]]
    if deadlocks:
        failures.append(f"{deadlocks} deadlocks detected by PostgreSQL")
    if not outcome["acknowledged"]:
        failures.append("no write was acknowledged")
    return failures


if __name__ == "__main__":
    sys.exit(main())
