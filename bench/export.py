"""The full export of every position, as CSV and as JSON Lines: rows per second
and the server's memory.

One API worker serves it, so its memory is the export's: its resident
memory is sampled while it serves, and the growth is the peak minus what it
held before. Memory the process allocates (anonymous) is told apart from the
pages of files it has mapped (SQLite maps its database file: those pages are
the system's shared, reclaimable file cache, not the process's own). The
rows are the export's own count (``X-Total-Count``); a body that does not
end cleanly fails the run.

    python -m bench.export [--databases postgresql,sqlite] [--formats csv,jsonl]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import datasets
from bench.servers import django_environment, serving, worker_pids

EXPORT_PORT = 8303
FORMATS = {"csv": "text/csv", "jsonl": "application/jsonl"}
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # kB
    raise KeyError(field)


def _get(path: str, accept: str) -> urllib.request.Request:
    return urllib.request.Request(
        f"http://127.0.0.1:{EXPORT_PORT}{path}", headers={"Accept": accept}
    )


def measure(database_url: str, formats: tuple[str, ...] = tuple(FORMATS)) -> list[dict[str, Any]]:
    """Each format's full export, one after the other, from one server."""
    env = django_environment(database_url)
    with serving("tracker.wsgi:application", EXPORT_PORT, env, workers=1) as master:
        (worker,) = worker_pids(master)
        # A first small export loads what every request needs (URLs, models).
        for accept in FORMATS.values():
            warm = _get("/api/v1/positions/export/?stated_after=2100-01-01", accept)
            urllib.request.urlopen(warm, timeout=60).read()
        return [_one(worker, name) for name in formats]


class _Peaks(threading.Thread):
    """The highest anonymous and file-backed resident memory of a process, in kB,
    sampled every few milliseconds until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.anonymous, self.files = _status(pid, "RssAnon"), _status(pid, "RssFile")

    def run(self) -> None:
        while not self.done.wait(0.005):
            self.anonymous = max(self.anonymous, _status(self.pid, "RssAnon"))
            self.files = max(self.files, _status(self.pid, "RssFile"))


def _one(worker: int, name: str) -> dict[str, Any]:
    before = _status(worker, "RssAnon"), _status(worker, "RssFile")
    peaks = _Peaks(worker)
    peaks.start()
    started = time.perf_counter()
    first_byte = None
    size = 0
    # http.client raises IncompleteRead if the chunked body does not end cleanly.
    with urllib.request.urlopen(
        _get("/api/v1/positions/export/", FORMATS[name]), timeout=900
    ) as response:
        rows = int(response.headers["X-Total-Count"])
        while chunk := response.read(1 << 16):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(chunk)
    seconds = time.perf_counter() - started
    peaks.done.set()
    peaks.join()
    return {
        "format": name,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "first_byte_seconds": round(first_byte or 0, 3),
        "megabytes": round(size / 1e6, 1),
        "rss_before_mb": round(before[0] / 1024, 1),
        "peak_growth_mb": round((peaks.anonymous - before[0]) / 1024, 1),
        "mapped_file_growth_mb": round((peaks.files - before[1]) / 1024, 1),
    }


def describe(database: str, result: dict[str, Any]) -> str:
    return (
        f"Full {result['format'].upper()} export on {database}: {result['rows']} positions "
        f"({result['megabytes']} MB) in {result['seconds']}s = {result['rows_per_second']} "
        f"rows/s, first byte after {result['first_byte_seconds']}s; worker memory "
        f"{result['rss_before_mb']} MB before, peak growth {result['peak_growth_mb']} MB "
        f"(and {result['mapped_file_growth_mb']} MB more of files mapped)."
    )


def database_urls(server: str, scale: str, databases: list[str]) -> dict[str, str]:
    """The URL of each database holding ``scale``, built when missing."""
    urls = {}
    for database in databases:
        url, seconds = (
            datasets.ensure(server, scale)
            if database == "postgresql"
            else datasets.ensure_sqlite(scale)
        )
        if seconds is not None:
            print(f"Generated the {scale} data on {database} in {seconds:.0f}s", flush=True)
        urls[database] = url
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="large")
    parser.add_argument("--databases", default="postgresql,sqlite")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--server", default=os.environ.get("BENCH_DATABASE_SERVER", DEFAULT_SERVER))
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    for database, url in database_urls(args.server, args.scale, args.databases.split(",")).items():
        for result in measure(url, formats):
            print(describe(database, result), flush=True)


if __name__ == "__main__":
    main()
