"""The read path in-process: median milliseconds per request through Django's test Client.

No server, no network: what a request costs in Django, DRF and the database
alone, for the endpoints readers hit most. The data is ``generate_data
--scale small`` in the database ``DATABASE_URL`` names (a SQLite file under
the system's temporary directory when unset), generated on the first run.

    python -m bench.read_path --runs 30            # uncached
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.read_path --cached

With ``--cached`` each endpoint is also read with Redis as the cache, the
response cache off and then on, and the ratio of the two is printed beside
them (throttling counts in Redis in both).
``--json FILE`` writes the medians, for comparing two runs (``--compare``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = f"sqlite:///{Path(tempfile.gettempdir()) / 'tracker-bench-read.sqlite3'}"

JSON = {"HTTP_ACCEPT": "application/json"}
HTML = {"HTTP_ACCEPT": "text/html"}


def setup(database_url: str) -> None:
    """Django as the benchmark servers run it (DEBUG off), data generated once."""
    from bench.servers import django_environment

    # DEBUG would log every query's SQL, a cost that grows with the number of
    # queries, which production does not pay.
    os.environ.update(django_environment(database_url), ALLOWED_HOSTS="testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from responses.models import Position

    call_command("migrate", "--noinput", verbosity=0)
    # Without DEBUG, pages name their static files from the collected manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    if not Position.objects.exists():
        print("Generating the small data set (once)...", file=sys.stderr)
        call_command("generate_data", scale="small", verbosity=0)


def endpoints() -> list[tuple[str, str, dict[str, str]]]:
    """(name, path, headers) of every read measured."""
    from django.db.models import Count

    from responses.models import Event, Position

    busiest = Event.objects.annotate(n=Count("positions")).order_by("-n", "id").first()
    position = Position.objects.order_by("id").first()
    assert busiest is not None
    assert position is not None
    actor = position.actor.slug
    positions = "/api/v1/positions/?limit=100"
    filtered = (
        f"/api/v1/positions/?limit=100&actor={actor}"
        "&stance=condemn&stance=criticize&ordering=-stated_on"
    )
    cursor = "/api/v1/positions/?limit=100&cursor="
    found = [
        ("positions list", positions, JSON),
        ("positions list (HTML)", positions, HTML),
        ("positions filtered", filtered, JSON),
        ("positions filtered (HTML)", filtered, HTML),
        ("positions cursor page", cursor, JSON),
        ("positions cursor page (HTML)", cursor, HTML),
        ("events list", "/api/v1/events/?limit=100", JSON),
        ("event detail", f"/api/v1/events/{busiest.slug}/", JSON),
        ("position detail", f"/api/v1/positions/{position.pk}/", JSON),
        ("response matrix", f"/api/v1/events/{busiest.slug}/matrix/", JSON),
        ("positions CSV page", "/api/v1/positions/?limit=100&format=csv", {}),
    ]
    return found


def median_ms(read: Callable[[], Any], runs: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        read()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(runs: int, cached: bool, only: str = "") -> dict[str, dict[str, float]]:
    from django.test import Client, override_settings

    client = Client()
    results: dict[str, dict[str, float]] = {}
    for name, path, headers in endpoints():
        if only not in name:
            continue

        def read(path: str = path, headers: dict[str, str] = headers) -> bytes:
            response = client.get(path, **headers)  # type: ignore[arg-type]
            assert response.status_code == 200, (path, response.status_code)
            # The body read to the end, as a client would (CSV pages stream).
            return b"".join(response) if response.streaming else response.content

        results[name] = {"uncached": median_ms(read, runs)}
        if cached and "HTML" not in name and headers:
            redis = {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
                "KEY_PREFIX": f"tracker-bench-{uuid.uuid4().hex}",
            }
            # The speed-up is against the same setup with the response cache
            # off: with Redis, throttling counts there too.
            with override_settings(CACHES={"default": redis}, API_CACHE_SECONDS=0):
                results[name]["uncached_redis"] = median_ms(read, runs)
            with override_settings(CACHES={"default": redis}, API_CACHE_SECONDS=60):
                results[name]["cached"] = median_ms(read, runs)
        print(f"  {name}: {results[name]}", file=sys.stderr)
    return results


def table(results: dict[str, dict[str, float]], before: dict[str, dict[str, float]] | None) -> str:
    lines = []
    if before is None:
        lines.append(
            "| endpoint | uncached ms | uncached ms, Redis | cached ms, Redis | cached speed-up |"
        )
        lines.append("|---|---:|---:|---:|---:|")
        for name, figures in results.items():
            cached, baseline = figures.get("cached"), figures.get("uncached_redis")
            shown = (
                f"{baseline:.2f} | {cached:.2f} | {baseline / cached:.1f}×"
                if cached and baseline
                else "— | — | —"
            )
            lines.append(f"| {name} | {figures['uncached']:.2f} | {shown} |")
        return "\n".join(lines)
    lines.append("| endpoint | before ms | after ms | after/before | cached after ms |")
    lines.append("|---|---:|---:|---:|---:|")
    for name, figures in results.items():
        old = before.get(name, {}).get("uncached")
        new = figures["uncached"]
        ratio = f"{new / old:.2f}" if old else "—"
        cached = figures.get("cached")
        old_text = f"{old:.2f}" if old else "—"
        cached_text = f"{cached:.2f}" if cached else "—"
        lines.append(f"| {name} | {old_text} | {new:.2f} | {ratio} | {cached_text} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="Timed requests per endpoint.")
    parser.add_argument("--cached", action="store_true", help="Also time cached reads (Redis).")
    parser.add_argument("--only", default="", help="Only the endpoints whose name has this.")
    parser.add_argument("--json", type=Path, help="Write the medians to this file.")
    parser.add_argument("--compare", type=Path, help="A --json file of an earlier run.")
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE)
    results = measure(args.runs, args.cached, args.only)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    before = json.loads(args.compare.read_text()) if args.compare else None
    print(table(results, before))


if __name__ == "__main__":
    main()
