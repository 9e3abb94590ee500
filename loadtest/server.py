"""The production server the load tests run: gunicorn on the loopback, DEBUG off."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from loadtest.wire import Connection

ROOT = Path(__file__).resolve().parent.parent
SERVER_LOG = Path(tempfile.gettempdir()) / f"tracker-loadtest-server-{os.getpid()}.log"
STATIC_ROOT = Path(tempfile.gettempdir()) / f"tracker-loadtest-static-{os.getpid()}"


def production_environment(database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_ROOT": str(STATIC_ROOT),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on the loopback: no TLS to redirect to.
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        # One address sends everything here: throttling would measure itself.
        "THROTTLE_ANON_RATE": "1000000/minute",
        "THROTTLE_USER_RATE": "1000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def collect_static(environment: dict[str, str]) -> None:
    """``manage.py collectstatic`` into the environment's STATIC_ROOT, as a release does
    (the server refuses to start without the manifest it writes)."""
    root = Path(environment["STATIC_ROOT"])
    if not (root / "staticfiles.json").exists():
        command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, cwd=ROOT, env=environment, check=True)
        atexit.register(shutil.rmtree, root, ignore_errors=True)


def start_server(
    port: int,
    environment: dict[str, str],
    workers: int | None = None,
    threads: int | None = None,
    log: Path = SERVER_LOG,
) -> subprocess.Popen:
    """gunicorn as deployed (gunicorn.conf.py), with these workers and threads if given."""
    collect_static({**os.environ, **environment})
    layout = {
        name: str(value)
        for name, value in (("WEB_CONCURRENCY", workers), ("GUNICORN_THREADS", threads))
        if value is not None
    }
    command = [
        sys.executable, "-m", "gunicorn", "tracker.wsgi",
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
    ]  # fmt: skip
    # The server's own log (tracebacks of the 503s during an outage) goes to a file.
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **environment, **layout},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    probe = Connection(port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if probe.request("GET", "/healthz").status == 200:
            probe.close()
            return server
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    return (
        statistics.quantiles(values, n=100)[int(share * 100) - 1] if len(values) > 1 else values[0]
    )


def verdict(name: str, failures: list[str]) -> int:
    """Print the outcome of a load test; its exit status."""
    print()
    if failures:
        print(f"{name.upper()} FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print(f"{name} passed.")
    return 0
