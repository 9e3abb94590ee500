"""make bench: the API against the floor, at small and large scale, on PostgreSQL.

For each scale: build (or reuse) the database, serve the API (gunicorn,
production settings) and the floor (bench/floor/) side by side with the
same workers, check that both give the same answer to every request of the
mix, then drive each endpoint with the load generator (a separate process,
loopback only, bounded in time), the API and the floor in turn, and print
one table. Also checks the query plans at each scale and, at large, streams
the full export of every position as CSV and as JSON Lines, from PostgreSQL
and from an SQLite file of the same data (bench/export.py), and measures the
server's memory.

    python -m bench.run [--scales small,large] [--duration 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from typing import Any

from bench import datasets, export, mix
from bench.servers import ROOT, THREADS, WORKERS, django_environment, serving_balanced

# The API's servers listen on 8311 and the ports after it, the floor's on 8321 and after.
API_PORT, FLOOR_PORT = 8311, 8321
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def fetch(port: int, path: str, accept: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept": accept, "Host": "localhost"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def same_answers(endpoints: list[mix.Endpoint]) -> list[str]:
    """Each request of the mix, asked of both servers: the differences, if any."""
    problems = []
    for endpoint in endpoints:
        for path in endpoint.paths[:5]:
            ours = fetch(API_PORT, path, endpoint.accept)
            floor = fetch(FLOOR_PORT, path, endpoint.accept)
            if ours[0] != 200 or floor[0] != 200:
                problems.append(f"{path}: status {ours[0]} (API) and {floor[0]} (floor)")
                continue
            if endpoint.accept == "application/json":
                same = json.loads(ours[1]) == json.loads(floor[1])
            else:
                same = ours[1] == floor[1]
            if not same:
                problems.append(f"{path}: the API and the floor answer differently")
    return problems


def drive(ports: list[int], endpoint: mix.Endpoint, duration: float) -> dict[str, Any]:
    command = [
        sys.executable,
        str(ROOT / "bench" / "loadgen.py"),
        "--ports",
        ",".join(map(str, ports)),
        "--duration",
        str(duration),
        "--concurrency",
        str(endpoint.concurrency),
        "--accept",
        endpoint.accept,
        *endpoint.paths,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=duration + 300
    )
    return json.loads(done.stdout)


def measure(scale: str, url: str, duration: float) -> list[dict[str, Any]]:
    endpoints = mix.build(url)
    env = django_environment(url)
    rows = []
    with (
        serving_balanced("tracker.wsgi:application", API_PORT, env) as api_ports,
        serving_balanced("bench.floor:application", FLOOR_PORT, env) as floor_ports,
    ):
        problems = same_answers(endpoints)
        if problems:
            print("The API and the floor disagree:\n  " + "\n  ".join(problems), file=sys.stderr)
            raise SystemExit(1)
        for endpoint in endpoints:
            seconds = duration * (2 if endpoint.rows else 1)
            ours = drive(api_ports, endpoint, seconds)
            floor = drive(floor_ports, endpoint, seconds)
            row: dict[str, Any] = {
                "scale": scale,
                "endpoint": endpoint.name,
                "api": ours,
                "floor": floor,
            }
            if endpoint.rows:
                row["rows_per_request"] = endpoint.rows
            rows.append(row)
            print(format_row(row), flush=True)
    return rows


HEADER = (
    f"{'scale':6} {'endpoint':34} {'API rps':>8} {'p50 ms':>8} {'p99 ms':>8} "
    f"{'floor rps':>9} {'p50 ms':>8} {'p99 ms':>8} {'API/floor':>9}"
)


def format_row(row: dict[str, Any]) -> str:
    ours, floor = row["api"], row["floor"]
    ratio = ours["rps"] / floor["rps"] if floor["rps"] else float("nan")
    errors = ""
    if ours["errors"] or floor["errors"]:
        errors = f"  (errors: API {ours['errors']}, floor {floor['errors']})"
    return (
        f"{row['scale']:6} {row['endpoint'][:34]:34} {ours['rps']:8.1f} {ours['p50_ms']:8.1f} "
        f"{ours['p99_ms']:8.1f} {floor['rps']:9.1f} {floor['p50_ms']:8.1f} {floor['p99_ms']:8.1f} "
        f"{ratio:9.2f}{errors}"
    )


def explain(url: str, scale: str) -> bool:
    env = django_environment(url)
    # Small tables are rightly read whole: only the large scale's plans are shown.
    summary = [] if scale == "large" else ["--summary"]
    done = subprocess.run(
        [sys.executable, "manage.py", "check_query_plans", *summary],
        cwd=ROOT,
        env=env,
        text=True,
        stderr=subprocess.STDOUT if summary else None,
        stdout=None,
    )
    print(f"(query plans at {scale}: {'no' if done.returncode == 0 else 'some'} sequential scans)")
    return done.returncode == 0


def main() -> None:
    # Stopped from outside: unwind, so the servers started here are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="small,large")
    parser.add_argument("--duration", type=float, default=5.0, help="Seconds per endpoint.")
    parser.add_argument("--server", default=os.environ.get("BENCH_DATABASE_SERVER", DEFAULT_SERVER))
    parser.add_argument("--skip-export", action="store_true", help="Skip the full export.")
    parser.add_argument("--json", help="Also write the figures to this file.")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    print(
        f"Benchmark {started} on {platform.node()}: {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; {WORKERS} one-worker gunicorns (gthread, {THREADS} "
        f"threads) each for the API and the floor, connections spread over them in turn; "
        f"{args.duration:g}s per endpoint after 1s of warm-up."
    )
    results: dict[str, Any] = {"started": started, "rows": [], "generated": {}, "plans": {}}
    plans_ok = True
    for scale in args.scales.split(","):
        url, seconds = datasets.ensure(args.server, scale)
        if seconds is not None:
            print(f"Generated the {scale} data in {seconds:.0f}s")
            results["generated"][scale] = round(seconds, 1)
        ok = explain(url, scale)
        results["plans"][scale] = ok
        plans_ok = plans_ok and (ok or scale != "large")
        print(HEADER, flush=True)
        results["rows"] += measure(scale, url, args.duration)
        if scale == "large" and not args.skip_export:
            databases = export.database_urls(args.server, scale, ["postgresql", "sqlite"])
            results["exports"] = {
                database: export.measure(url) for database, url in databases.items()
            }
    print()
    print(HEADER)
    for row in results["rows"]:
        print(format_row(row))
    for database, exported in results.get("exports", {}).items():
        for result in exported:
            print(export.describe(database, result))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(results, out, indent=2)
    if not plans_ok:
        raise SystemExit("Some filter or ordering scans positions, events or measures in full.")


if __name__ == "__main__":
    main()
