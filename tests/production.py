"""Production settings for tests that start the project in a fresh interpreter."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-test-only-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "tracker.example.org",
}


def run(arguments: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run Python with ``arguments`` in the checkout, with only the given settings
    (and the rest of this process's environment but DEBUG and SECRET_KEY)."""
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(["-c", code], **env)


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run(["manage.py", *arguments], **env)


def gunicorn(*options: str, **env: str) -> subprocess.CompletedProcess[str]:
    """gunicorn started with gunicorn.conf.py and ``options``, serving the project."""
    config = ["-m", "gunicorn", "--config", "gunicorn.conf.py"]
    return run([*config, *options, "tracker.wsgi:application"], **env)


def ready_to_serve(root: Path) -> dict[str, str]:
    """Production settings with what a server needs to start, made under ``root``:
    a migrated database (SQLite) and the collected static files."""
    environment = {
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "STATIC_ROOT": str(root / "static"),
    }
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        result = manage(*command, **environment)
        assert result.returncode == 0, result.stderr
    return environment


@contextlib.contextmanager
def serving(environment: dict[str, str], *options: str) -> Iterator[subprocess.Popen[str]]:
    """gunicorn serving the project with ``environment`` on ``environment["PORT"]``,
    until the block ends; it answers /healthz before the block begins."""
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", *options,
         "tracker.wsgi:application"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "tracker.settings", **environment},
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        _wait_for_health(server, int(environment["PORT"]))
        yield server
    finally:
        server.terminate()
        server.communicate(timeout=60)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_health(server: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {server.communicate()[1]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz within a minute")
