"""Starting and stopping the two servers under test, with the same server settings."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from loadtest.server import collect_static

ROOT = Path(__file__).resolve().parent.parent
# The API's collected static files: the server refuses to start without them.
STATIC_ROOT = Path(tempfile.gettempdir()) / f"tracker-bench-static-{os.getpid()}"
# Two worker processes (one per core) with two threads each: a thread waits on
# PostgreSQL while the other serves. The same for the API and the floor. Each
# worker is a gunicorn of its own on its own port (``serving_balanced``).
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))


def django_environment(database_url: str) -> dict[str, str]:
    """Production settings on loopback: DEBUG off, no TLS redirect, kept connections."""
    return {
        **os.environ,
        # This checkout's code, whatever else is installed in the environment.
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        # No shared cache: the benchmark measures the work, not cache hits.
        "REDIS_URL": "",
        "API_CACHE_SECONDS": "0",
        # One load generator is one client: the throttle would answer it 429.
        "THROTTLE_ANON_RATE": "1000000/second",
        "THROTTLE_USER_RATE": "1000000/second",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "STATIC_ROOT": str(STATIC_ROOT),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }


def gunicorn_command(app: str, port: int, workers: int = WORKERS) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(THREADS),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]


@contextmanager
def serving(app: str, port: int, env: dict[str, str], workers: int = WORKERS) -> Iterator[int]:
    """Run gunicorn until the block ends; yields the master's pid."""
    if "STATIC_ROOT" in env:
        collect_static(env)
    process = subprocess.Popen(gunicorn_command(app, port, workers), cwd=ROOT, env=env)
    try:
        wait_until_up(port, process)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving_balanced(app: str, port: int, env: dict[str, str]) -> Iterator[list[int]]:
    """``WORKERS`` one-worker servers on ``port`` and the ports after it; yields the ports.

    Workers of one gunicorn share its listening socket, and the worker that
    has just accepted a connection is the likeliest to accept the next: the
    load generator's four connections often all landed on one worker, which
    halved a run's throughput at random (runs of the same endpoint moved
    between about 55 and 105 requests a second). The load generator spreads
    its connections over these ports in turn instead, as a round-robin load
    balancer would.
    """
    ports = [port + offset for offset in range(WORKERS)]
    with ExitStack() as servers:
        for each in ports:
            servers.enter_context(serving(app, each, env, workers=1))
        yield ports


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/positions/1/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server on port {port} did not answer in {seconds}s")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []
