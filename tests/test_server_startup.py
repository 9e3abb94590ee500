"""What the production entry points do once per server, before serving: check, then settle."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.production import PRODUCTION, ROOT, gunicorn, manage, run_python


@pytest.mark.parametrize("entry_point", ["tracker.wsgi", "tracker.asgi"])
def test_the_entry_points_load_the_urls_and_leave_startup_objects_to_no_collection(
    entry_point: str, ready_environment: dict[str, str]
) -> None:
    code = (
        f"import gc, sys, {entry_point}; "
        "print('tracker.urls' in sys.modules, 'responses.api.views' in sys.modules, "
        "gc.get_freeze_count() > 10000)"
    )
    result = run_python(code, **ready_environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


def test_debug_is_off_unless_set() -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = run_python(code, SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_management_commands_run_as_production_and_runserver_as_development() -> None:
    # Without DEBUG or a key: production settings, which refuse to start keyless.
    refused = manage("check")
    assert refused.returncode != 0
    assert "SECRET_KEY must be set in production" in refused.stderr
    assert "For development, set DEBUG=true" in refused.stderr
    # The development server turns DEBUG on (and so needs no key of its own).
    assert manage("runserver", "--help").returncode == 0


def test_the_schema_is_generated_without_a_key(tmp_path: Path) -> None:
    # A development command, as the docs give it: no DEBUG, no SECRET_KEY set.
    schema = tmp_path / "openapi.yaml"
    result = manage("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))
    assert result.returncode == 0, result.stderr
    assert schema.read_text() == (ROOT / "openapi.yaml").read_text()


def test_collectstatic_then_gunicorn_serves_in_that_natural_order(
    ready_environment: dict[str, str],
) -> None:
    # ready_environment ran migrate and collectstatic with the server's environment only.
    manifest = Path(ready_environment["STATIC_ROOT"]) / "staticfiles.json"
    assert manifest.exists()
    result = gunicorn("--check-config", **ready_environment)
    assert result.returncode == 0, result.stderr


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stderr
    assert "The server cannot start:" in result.stderr, result.stderr
    return result.stderr


def test_the_server_refuses_to_start_without_the_static_manifest(
    ready_environment: dict[str, str], tmp_path: Path
) -> None:
    result = gunicorn("--check-config", **{**ready_environment, "STATIC_ROOT": str(tmp_path)})
    stderr = refusal(result)
    assert "static files' manifest" in stderr
    assert "Run `manage.py collectstatic --noinput`" in stderr


def test_the_server_refuses_to_start_without_its_database(
    ready_environment: dict[str, str], tmp_path: Path
) -> None:
    missing = f"sqlite:///{tmp_path / 'no-such-directory' / 'db.sqlite3'}"
    stderr = refusal(gunicorn("--check-config", **{**ready_environment, "DATABASE_URL": missing}))
    assert "cannot be reached" in stderr
    assert "Check DATABASE_URL" in stderr


def test_the_server_refuses_to_start_on_a_database_not_migrated(
    ready_environment: dict[str, str], tmp_path: Path
) -> None:
    empty = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    stderr = refusal(gunicorn("--check-config", **{**ready_environment, "DATABASE_URL": empty}))
    assert "unapplied migrations" in stderr
    assert "Run `manage.py migrate`" in stderr


def test_the_server_refuses_replicas_without_a_shared_cache(
    ready_environment: dict[str, str],
) -> None:
    environment = {**ready_environment, "DATABASE_REPLICA_URLS": ready_environment["DATABASE_URL"]}
    stderr = refusal(gunicorn("--check-config", **{**environment, "REDIS_URL": ""}))
    assert "DATABASE_REPLICA_URLS is set without REDIS_URL" in stderr


@pytest.mark.parametrize(
    "key", ["", "django-insecure-" + "k" * 60, "short-but-random-Zq81", "ab" * 40]
)
def test_production_refuses_a_missing_or_weak_secret_key(key: str) -> None:
    result = run_python("import django; django.setup()", DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_the_key_the_refusal_suggests_is_accepted_and_safe_in_an_env_file() -> None:
    refused = manage("check")
    suggested = re.search(r"Generate one with: python -c '([^']*)'", refused.stderr)
    assert suggested, refused.stderr
    key = run_python(suggested.group(1)).stdout.strip()
    # Nothing a shell sourcing .env, or sed, would read as syntax.
    assert re.fullmatch(r"[A-Za-z0-9_-]{50,}", key)
    accepted = run_python("import django; django.setup()", SECRET_KEY=key)
    assert accepted.returncode == 0, accepted.stderr


def test_sqlite_logs_ahead_and_maps_its_file_unless_told_otherwise(tmp_path: Path) -> None:
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    for pragma in ('journal_mode', 'mmap_size'):\n"
        "        cursor.execute(f'PRAGMA {pragma}')\n"
        "        print(cursor.fetchone()[0])\n"
    )

    def pragmas(url: str, **env: str) -> list[str]:
        started = run_python(code, DEBUG="true", DATABASE_URL=url, **env)
        assert started.returncode == 0, started.stderr
        return started.stdout.split()

    assert pragmas(f"sqlite:///{tmp_path / 'a.sqlite3'}") == ["wal", str(1 << 30)]
    assert pragmas(f"sqlite:///{tmp_path / 'b.sqlite3'}", SQLITE_MMAP_SIZE="0") == ["wal", "0"]
    # The URL's own pragmas come last, so they win.
    told = f"sqlite:///{tmp_path / 'c.sqlite3'}?init_command=PRAGMA%20journal_mode%3DDELETE"
    assert pragmas(told) == ["delete", str(1 << 30)]
