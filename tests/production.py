"""Production settings for tests that start the project in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
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
