"""python -m loadtest.replicas: scale-out on a real PostgreSQL standby, with figures.

Builds, on this machine, a PostgreSQL primary and a streaming hot standby
(throwaway clusters of their own, as ``python -m loadtest`` builds one),
starts two production app servers (gunicorn) that share Redis and send reads
to the standby, and drives load through both:

1. reads only: where they land (table scans counted on each database);
2. mixed load, 20% writes: where reads land, while clients that write
   through one app server and read back at once through the other check
   that they always see their own writes;
3. lag: the standby's replay paused while writes go on: reads leave it,
   writers still read their writes, and the lag bound takes it out of
   service; replay resumed: reads come back;
4. the standby stopped in the middle of mixed load, then started again: no
   failed request, and every acknowledged write is in the database;
5. throughput of the same mixed load through one app server and through two.

The response cache is off (API_CACHE_SECONDS=0) so that every read reaches
a database. Exits 1 on any failure. Needs root, Debian's postgresql-common
and Redis on 127.0.0.1:6379, whose database 12 it empties.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import redis

from loadtest.cluster import Cluster, free_port, own_name, standby_of
from loadtest.data import prepare_database
from loadtest.server import SERVER_LOG, percentile, production_environment, start_server, verdict
from loadtest.verify import verify
from loadtest.writers import Load, OwnWrites, Reader, Scene

REDIS_URL = "redis://127.0.0.1:6379/12"
MAX_LAG_SECONDS = 3
# PostgreSQL publishes a busy backend's counts at most once a second, and an
# idle one's within ten: a phase's counts are read once they have all come in.
STATS_SETTLE_SECONDS = 11


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m loadtest.replicas", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--phase-seconds", type=float, default=12, help="length of each phase")
    parser.add_argument("--clients", type=int, default=12, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per app server")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    return parser.parse_args()


def sql(cluster: Cluster, query: str) -> object:
    url = cluster.url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True, connect_timeout=2) as connection:
        row = connection.execute(query).fetchone()
    return row[0] if row else None


def table_scans(cluster: Cluster) -> int:
    """Scans of the tracker's tables on this server: how many reads it answered."""
    query = "SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0) FROM pg_stat_user_tables"
    return int(sql(cluster, query))  # type: ignore[call-overload]


class Scans:
    """Table scans on the primary and the standby over a phase."""

    def __init__(self, primary: Cluster, standby: Cluster) -> None:
        self.clusters = (primary, standby)
        self.before = [table_scans(cluster) for cluster in self.clusters]

    def done(self) -> tuple[int, int]:
        time.sleep(STATS_SETTLE_SECONDS)
        primary, standby = (
            table_scans(c) - b for c, b in zip(self.clusters, self.before, strict=True)
        )
        return primary, standby


def share(standby: int, primary: int) -> str:
    portion = standby / max(standby + primary, 1)
    return f"standby {standby}, primary {primary} ({portion:.0%} on the standby)"


def wait_streaming(primary: Cluster, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sql(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"):
            return
        time.sleep(0.2)
    raise SystemExit("The standby did not start streaming from the primary.")


def replayed_everything(primary: Cluster, standby: Cluster) -> bool:
    target = sql(primary, "SELECT pg_current_wal_flush_lsn() - '0/0'")
    return bool(sql(standby, f"SELECT pg_last_wal_replay_lsn() - '0/0' >= {target}"))


def main() -> int:
    arguments = parse_arguments()
    seconds = arguments.phase_seconds
    run_id = f"R{secrets.token_hex(3)}"
    primary = Cluster(own_name(), free_port(5440, 5499))
    failures: list[str] = []
    servers: list[subprocess.Popen] = []
    logs = [SERVER_LOG.with_name(f"{SERVER_LOG.stem}-{side}.log") for side in "ab"]
    environment = production_environment(primary.url)
    environment |= {"GUNICORN_KEEPALIVE": "10", "GUNICORN_GRACEFUL_TIMEOUT": "5"}
    os.environ.update(environment)
    standby: Cluster | None = None
    writes = []
    print(f"Scale-out test {run_id}: PostgreSQL {primary.version}")
    try:
        primary.create()
        token, source_ids, measure_ids = prepare_database(run_id)
        standby = standby_of(primary, own_name() + "_standby", free_port(primary.port + 1, 5499))
        wait_streaming(primary)
        print(f"  primary on port {primary.port}, hot standby on port {standby.port} (streaming)")
        redis.Redis.from_url(REDIS_URL).flushdb()
        server_environment = environment | {
            "DATABASE_REPLICA_URLS": standby.url,
            "REDIS_URL": REDIS_URL,
            "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG_SECONDS),
            "API_CACHE_SECONDS": "0",
        }
        ports = [free_port(8200, 8299)]
        servers.append(start_server(ports[0], server_environment, arguments.workers,
                                    arguments.threads, logs[0]))  # fmt: skip
        ports.append(free_port(ports[0] + 1, 8299))
        servers.append(start_server(ports[1], server_environment, arguments.workers,
                                    arguments.threads, logs[1]))  # fmt: skip
        print(f"  two app servers on ports {ports[0]} and {ports[1]} "
              f"({arguments.workers} workers x {arguments.threads} threads each), "
              "sharing Redis")  # fmt: skip
        scene = Scene(ports, token, run_id, source_ids, measure_ids)

        failures += reads_only(scene, primary, standby, arguments.clients, seconds)
        load, phase_failures = mixed(scene, primary, standby, arguments.clients, seconds)
        writes += load.writes
        failures += phase_failures
        failures += lagging(scene, primary, standby, arguments.clients, seconds, logs)
        load, phase_failures = standby_stopped(scene, standby, arguments.clients, seconds)
        writes += load.writes
        failures += phase_failures
        failures += throughput(scene, arguments.clients, seconds, writes)

        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        servers = []
        result = verify(writes, run_id, measure_ids)
        print(f"\nVerification: {len(writes)} writes, {result.checked} checks against the "
              f"primary, {len(result.problems)} problems")  # fmt: skip
        failures += result.problems[:20]
        for log in logs:
            text = log.read_text(errors="replace")
            if "Internal Server Error" in text:
                failures.append(f"the server logged internal server errors (see {log})")
    finally:
        for server in servers:
            server.kill()
        from django.db import connections

        connections.close_all()
        if standby is not None:
            standby.drop()
        primary.drop()
        redis.Redis.from_url(REDIS_URL).flushdb()
    return verdict("Scale-out test", failures)


def reads_only(
    scene: Scene, primary: Cluster, standby: Cluster, clients: int, seconds: float
) -> list[str]:
    scans = Scans(primary, standby)
    load = Load(scene, clients, seconds, client=Reader)
    on_primary, on_standby = scans.done()
    print(f"\n1. Reads only: {load.summary()}")
    print(f"   table scans: {share(on_standby, on_primary)}")
    failures = load.failures()
    if on_standby == 0 or on_primary > on_standby / 20:
        failures.append(f"reads did not land on the standby: {share(on_standby, on_primary)}")
    return failures


def mixed(
    scene: Scene, primary: Cluster, standby: Cluster, clients: int, seconds: float
) -> tuple[Load, list[str]]:
    scans = Scans(primary, standby)
    own = OwnWrites.start_some(scene, 2, seconds)
    load = Load(scene, clients, seconds)
    on_primary, on_standby = scans.done()
    print(f"\n2. Mixed load: {load.summary()}")
    print(f"   table scans: {share(on_standby, on_primary)}")
    failures = load.failures() + OwnWrites.report(own)
    # Reads that come before the standby has replayed the latest write go to
    # the primary, and the writes are the primary's: a quarter is a floor.
    shares = share(on_standby, on_primary)
    if on_standby < (on_standby + on_primary) / 4:
        failures.append(f"under mixed load, few reads reached the standby: {shares}")
    return load, failures


def lagging(
    scene: Scene,
    primary: Cluster,
    standby: Cluster,
    clients: int,
    seconds: float,
    logs: list[Path],
) -> list[str]:
    log_sizes = [log.stat().st_size for log in logs]
    sql(standby, "SELECT pg_wal_replay_pause()")
    while sql(standby, "SELECT pg_get_wal_replay_pause_state()") != "paused":
        time.sleep(0.05)
    OwnWrites(scene, 0).cycle()  # writes the standby will not replay
    scans = Scans(primary, standby)
    own = OwnWrites.start_some(scene, 2, seconds)
    load = Load(scene, clients, seconds, client=Reader)
    on_primary, on_standby = scans.done()
    warnings = sum(
        log.read_bytes()[size:].count(b"behind (limit")
        for log, size in zip(logs, log_sizes, strict=True)
    )
    print(f"\n3. Replay paused on the standby, writes going on: {load.summary()}")
    print(f"   table scans: {share(on_standby, on_primary)}; "
          f"{warnings} log lines of a replica over the {MAX_LAG_SECONDS} s lag bound")  # fmt: skip
    failures = load.failures() + OwnWrites.report(own)
    if on_standby:
        failures.append(f"{on_standby} reads went to a standby that had not replayed the writes")
    if not warnings:
        failures.append("no server took the lagging standby out of service")
    resumed = time.monotonic()
    # Replay resumes, and may at once cancel this very statement: it holds a
    # snapshot older than the cleanup records waiting to be replayed.
    with contextlib.suppress(psycopg.errors.SerializationFailure):
        sql(standby, "SELECT pg_wal_replay_resume()")
    while not replayed_everything(primary, standby) and time.monotonic() < resumed + 30:
        time.sleep(0.05)
    caught_up = time.monotonic() - resumed
    time.sleep(1.1)  # the next health check of each process finds it well
    scans = Scans(primary, standby)
    load = Load(scene, clients, 3, client=Reader)
    on_primary, on_standby = scans.done()
    print(f"   replay resumed: the standby caught up in {caught_up:.2f} s; in the next 3 s, "
          f"table scans: {share(on_standby, on_primary)}")  # fmt: skip
    if on_standby == 0:
        failures.append("reads did not come back to the standby once it had caught up")
    return failures + load.failures()


def standby_stopped(
    scene: Scene, standby: Cluster, clients: int, seconds: float
) -> tuple[Load, list[str]]:
    at, length = seconds / 4, seconds / 2
    own = OwnWrites.start_some(scene, 2, seconds)
    load = Load(scene, clients, seconds, background=True)
    time.sleep(at)
    standby.stop()
    stopped = time.monotonic()
    time.sleep(length)
    standby.start()
    restarted = time.monotonic()
    load.join()
    during = Counter(
        status for moment, status in load.stats.answers if stopped <= moment <= restarted
    )
    print(f"\n4. Standby stopped after {at:.0f} s for {restarted - stopped:.1f} s of mixed load: "
          f"{load.summary()}")  # fmt: skip
    print(f"   answers while it was down: {dict(during)}")
    return load, load.failures() + OwnWrites.report(own)


def throughput(scene: Scene, clients: int, seconds: float, writes: list) -> list[str]:
    print("\n5. Throughput, mixed load (80% reads, 20% writes):")
    failures = []
    for servers in (1, 2):
        load = Load(scene, clients, seconds, servers=servers)
        writes += load.writes
        p50 = percentile(load.stats.latencies, 0.5) * 1000
        p95 = percentile(load.stats.latencies, 0.95) * 1000
        print(f"   {servers} app server{'s' if servers > 1 else ''}: {load.rate:.0f} requests/s "
              f"(p50 {p50:.0f} ms, p95 {p95:.0f} ms)")  # fmt: skip
        failures += load.failures()
    return failures


if __name__ == "__main__":
    sys.exit(main())
