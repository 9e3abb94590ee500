"""The full CSV export of every position: rows per second and the server's memory.

One API worker serves it, so its memory is the export's: its peak resident
set is reset before the request (``/proc/PID/clear_refs``) and read after,
and the growth is the peak minus what it held before.
"""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.servers import django_environment, serving, worker_pids

EXPORT_PORT = 8303


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])  # kB
    raise KeyError(field)


def measure(database_url: str) -> dict[str, Any]:
    env = django_environment(database_url)
    with serving("tracker.wsgi:application", EXPORT_PORT, env, workers=1) as master:
        (worker,) = worker_pids(master)
        # A first small export loads what every request needs (URLs, models).
        warm = urllib.request.Request(
            f"http://127.0.0.1:{EXPORT_PORT}/api/v1/positions/export/?stated_after=2100-01-01",
            headers={"Accept": "text/csv"},
        )
        urllib.request.urlopen(warm, timeout=60).read()
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the peak
        before = _status(worker, "VmRSS")
        started = time.perf_counter()
        first_byte = None
        lines = size = 0
        request = urllib.request.Request(
            f"http://127.0.0.1:{EXPORT_PORT}/api/v1/positions/export/",
            headers={"Accept": "text/csv"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            while chunk := response.read(1 << 16):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                lines += chunk.count(b"\n")  # a \r\n can straddle two reads
                size += len(chunk)
        seconds = time.perf_counter() - started
        peak = _status(worker, "VmHWM")
    rows = lines - 1  # the header
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "first_byte_seconds": round(first_byte or 0, 3),
        "megabytes": round(size / 1e6, 1),
        "rss_before_mb": round(before / 1024, 1),
        "peak_growth_mb": round((peak - before) / 1024, 1),
    }


def describe(result: dict[str, Any]) -> str:
    return (
        f"Full CSV export: {result['rows']} positions ({result['megabytes']} MB) in "
        f"{result['seconds']}s = {result['rows_per_second']} rows/s, first byte after "
        f"{result['first_byte_seconds']}s; worker memory {result['rss_before_mb']} MB before, "
        f"peak growth {result['peak_growth_mb']} MB."
    )
