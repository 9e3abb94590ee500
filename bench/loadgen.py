"""A small HTTP/1.1 load generator: keep-alive connections on loopback, bounded in time.

Runs as its own process (so its work is not counted as the server's) and
prints one JSON object: requests, errors, requests per second, latency
percentiles, bytes received. Each connection sends its next request as soon
as the previous answer is read in full; the URLs are taken in turn, so every
run of the same list sends the same requests.

    python bench/loadgen.py --ports 8311,8312 --duration 5 --concurrency 4 URL_PATH ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

LOOPBACK = "127.0.0.1"


class HTTPError(Exception):
    pass


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """Read one response in full; return its status and body size."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
        return status, size
    if headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            chunk_head = await reader.readuntil(b"\r\n")
            length = int(chunk_head.split(b";")[0], 16)
            await reader.readexactly(length + 2)
            size += length
            if length == 0:
                return status, size
    if status in (204, 304):
        return status, 0
    raise HTTPError("response without a length")


async def client(
    number: int, paths: list[str], deadline: float, warmup_until: float, results: dict
) -> None:
    # Connections go to the servers in turn, as a round-robin balancer sends them.
    port = results["ports"][number % len(results["ports"])]
    reader, writer = await asyncio.open_connection(LOOPBACK, port)
    index = number
    host = "localhost"  # the same Host for both servers, so their links agree
    while True:
        now = time.perf_counter()
        if now >= deadline:
            break
        path = paths[index % len(paths)]
        index += results["concurrency"]
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {results['accept']}\r\n\r\n"
        started = time.perf_counter()
        try:
            writer.write(request.encode())
            status, size = await read_response(reader)
        except (asyncio.IncompleteReadError, ConnectionError, HTTPError):
            results["errors"] += 1
            writer.close()
            reader, writer = await asyncio.open_connection(LOOPBACK, port)
            continue
        elapsed = time.perf_counter() - started
        if started < warmup_until:
            continue
        if status >= 400:
            results["errors"] += 1
            results["statuses"][status] = results["statuses"].get(status, 0) + 1
            continue
        results["latencies"].append(elapsed)
        results["bytes"] += size
    writer.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(args: argparse.Namespace) -> dict:
    results: dict = {
        "ports": [int(port) for port in args.ports.split(",")],
        "concurrency": args.concurrency,
        "accept": args.accept,
        "latencies": [],
        "errors": 0,
        "statuses": {},
        "bytes": 0,
    }
    started = time.perf_counter()
    warmup_until = started + args.warmup
    deadline = warmup_until + args.duration
    await asyncio.gather(
        *(
            client(number, args.paths, deadline, warmup_until, results)
            for number in range(args.concurrency)
        )
    )
    measured = time.perf_counter() - warmup_until
    latencies = results["latencies"]
    return {
        "requests": len(latencies),
        "errors": results["errors"],
        "statuses": results["statuses"],
        "seconds": round(measured, 3),
        "rps": round(len(latencies) / measured, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "bytes": results["bytes"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", required=True, help="Comma-separated; connections in turn.")
    parser.add_argument("--duration", type=float, default=5.0, help="Measured seconds.")
    parser.add_argument("--warmup", type=float, default=1.0, help="Unmeasured seconds first.")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--accept", default="application/json")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    if args.duration > 600:
        sys.exit("A run is bounded: at most 600 seconds.")
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
