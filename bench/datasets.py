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
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.servers import ROOT, django_environment

# Bump when the synthetic package changes what it generates.
GENERATOR_VERSION = 2
SEED = 1


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


def ensure(server_url: str, scale: str) -> tuple[str, float | None]:
    """The URL of a database holding ``scale``; builds it when missing or stale.

    Returns the URL and the generation time in seconds (None when reused).
    """
    url = database_url(server_url, scale)
    name = f"tracker_bench_{scale}"
    admin_url = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        found = current_marker(admin, name)
    env = django_environment(url)
    python = sys.executable
    if found == marker(scale):
        # Reused: bring its schema up to date (indexes added since, say).
        subprocess.run(
            [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
        return url, None
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if found is not None:
            admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    started = time.perf_counter()
    subprocess.run(
        [python, "manage.py", "generate_data", "--scale", scale, "--seed", str(SEED)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker(scale)}'")
    return url, seconds
