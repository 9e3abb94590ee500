"""Webhook deliveries: 10,000 changes to one receiver, deliveries per second and
the delay from each change's commit to its arrival.

A scratch database (created afresh, PostgreSQL by default), one subscription
to created actors, a receiver on loopback in this process (answers 204 at
once), and one worker (``manage.py webhooks_worker``, production settings) in
its own process. First the throughput: 10,000 changes are committed with no
worker running, then the worker sends them. Then the delay: with the worker
running, this process commits 1,000 more one by one, noting when each
committed, and the receiver notes when each arrived.

    python -m bench.webhooks [--changes 10000] [--live 1000] [--database postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg

from bench.servers import ROOT, django_environment

SERVER = "postgres://postgres@127.0.0.1:5432"
SCRATCH = "tracker_bench_webhooks"


def scratch_database(kind: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'webhooks.sqlite3'}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{SCRATCH}"')
        admin.execute(f'CREATE DATABASE "{SCRATCH}"')
    return f"{SERVER}/{SCRATCH}"


def receiver(arrivals: dict[str, float]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            arrived = time.time()
            arrivals.setdefault(json.loads(body)["change"]["key"], arrived)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--live", type=int, default=1_000, help="Changes timed one by one.")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    args = parser.parse_args()

    environment = {
        **django_environment(scratch_database(args.database)),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "PUBLIC_BASE_URL": "http://localhost",
    }
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from actors.models import Actor
    from webhooks.models import Delivery, Subscription

    call_command("migrate", "--noinput", verbosity=0)
    arrivals: dict[str, float] = {}
    server = receiver(arrivals)
    Subscription.objects.create(
        owner=User.objects.create_user("bench"),
        target_url=f"http://127.0.0.1:{server.server_port}/hook",
        resources=["actors"],
        actions=["created"],
    )

    def start_worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "manage.py", "webhooks_worker", "--interval", "0.05", "-v", "0"],
            cwd=ROOT,
            env={**os.environ},
        )

    def write(count: int, prefix: str) -> dict[str, float]:
        committed = {}
        for number in range(count):
            slug = f"{prefix}-{number}"
            Actor.objects.create(slug=slug, name=f"Bench {number}", kind="state")
            committed[slug] = time.time()
        return committed

    def wait_for(count: int) -> None:
        deadline = time.time() + 900
        while len(arrivals) < count and time.time() < deadline:
            time.sleep(0.05)

    # 1. Throughput: the changes are committed with no worker running, then one
    #    worker sends them all.
    started = time.time()
    write(args.changes, "queued")
    written = time.time()
    worker = start_worker()
    try:
        wait_for(args.changes)
        sent = len(arrivals)
        drained = max(arrivals.values()) - min(arrivals.values())
        # 2. Delay: the worker running, changes committed one after another.
        arrivals.clear()
        live = write(args.live, "live")
        wait_for(args.live)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        server.shutdown()
    delays = [(arrivals[slug] - live[slug]) * 1000 for slug in live if slug in arrivals]
    print(f"Database: {args.database}")
    print(
        f"{args.changes} changes committed in {written - started:.1f} s "
        f"({args.changes / (written - started):.0f}/s), no worker running"
    )
    print(f"One worker then sent {sent} in {drained:.1f} s: {sent / drained:.0f} deliveries/s")
    print(
        f"{args.live} changes committed one by one with the worker running, "
        f"{len(arrivals)} arrived; commit to arrival: p50 {statistics.median(delays):.0f} ms, "
        f"p99 {percentile(delays, 0.99):.0f} ms, max {max(delays):.0f} ms"
    )
    undelivered = Delivery.objects.filter(status="pending").count()
    if sent < args.changes or len(arrivals) < args.live or undelivered:
        sys.exit(f"Not everything arrived ({undelivered} deliveries pending)")


if __name__ == "__main__":
    main()
