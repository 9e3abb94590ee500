"""The benchmark's databases: one per scale, generated once and reused.

Each is its own PostgreSQL database (tracker_bench_small, ...), never the
test or postgres databases. A comment on the database records the scale,
seed and generator version it holds, so a later run reuses it and a change
to the generator makes it be rebuilt.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.servers import ROOT, django_environment

# Bump when the synthetic package changes what it generates.
GENERATOR_VERSION = 2
SEED = 1
# The SQLite files, kept between runs like the PostgreSQL databases.
DATA_DIR = ROOT / ".bench-data"


def database_url(server_url: str, scale: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/tracker_bench_{scale}"))


def marker(scale: str) -> str:
    return f"generate_data scale={scale} seed={SEED} version={GENERATOR_VERSION}"


def current_marker(admin: psycopg.Connection, name: str) -> str | None:
    row = admin.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        [name],
    ).fetchone()
    return None if row is None else (row[0] or "")


def _manage(url: str, *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=django_environment(url), check=True
    )


def _generate(url: str, scale: str) -> float:
    """Migrate the empty database at ``url`` and fill it with ``scale``: the seconds it took."""
    _manage(url, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    _manage(url, "generate_data", "--scale", scale, "--seed", str(SEED))
    return time.perf_counter() - started


def ensure(server_url: str, scale: str) -> tuple[str, float | None]:
    """The URL of a database holding ``scale``; builds it when missing or stale.

    Returns the URL and the generation time in seconds (None when reused).
    """
    url = database_url(server_url, scale)
    name = f"tracker_bench_{scale}"
    admin_url = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        found = current_marker(admin, name)
    if found == marker(scale):
        # Reused: bring its schema up to date (indexes added since, say).
        _manage(url, "migrate", "--noinput", "-v0")
        return url, None
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if found is not None:
            admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    seconds = _generate(url, scale)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker(scale)}'")
    return url, seconds


def sqlite_path(scale: str) -> Path:
    return DATA_DIR / f"tracker_bench_{scale}.sqlite3"


def ensure_sqlite(scale: str) -> tuple[str, float | None]:
    """The URL of an SQLite file holding ``scale``, built like ``ensure``'s
    databases; the marker is kept in a file beside it."""
    path = sqlite_path(scale)
    url = f"sqlite:///{path}"
    mark = path.with_suffix(".marker")
    if path.exists() and mark.exists() and mark.read_text() == marker(scale):
        _manage(url, "migrate", "--noinput", "-v0")
        return url, None
    DATA_DIR.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    mark.unlink(missing_ok=True)
    seconds = _generate(url, scale)
    mark.write_text(marker(scale))
    return url, seconds
