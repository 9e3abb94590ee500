"""The deployment examples (.env.example, deploy/systemd/) say what the code does."""

from __future__ import annotations

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"


def example_environment() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def test_every_variable_of_the_example_is_documented_for_operators() -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (ROOT / "docs/operators.md").read_text()))
    assert set(example_environment()) - documented == set()


def test_the_example_environment_passes_the_deployment_checks(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        **example_environment(),
        "SECRET_KEY": "a-key-of-your-own-" + "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_units_run_commands_that_exist() -> None:
    units = sorted(UNITS.glob("*.service"))
    assert [unit.name for unit in units] == [
        "tracker-retention.service",
        "tracker-web.service",
        "tracker-worker.service",
    ]
    for unit in units:
        parsed = configparser.ConfigParser(strict=False, interpolation=None)
        parsed.read(unit)
        command = parsed["Service"]["ExecStart"].split()
        assert parsed["Service"]["EnvironmentFile"].endswith("/.env")
        if "manage.py" in command:
            assert command[command.index("manage.py") + 1] in get_commands()
        else:
            assert command[1:4] == ["-m", "gunicorn", "--config"]
            assert (ROOT / command[4]).is_file()
            assert command[5] == "tracker.wsgi:application"
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(UNITS / "tracker-retention.timer")
    assert timer["Timer"]["OnCalendar"] == "daily"
    retention = configparser.ConfigParser(strict=False, interpolation=None)
    retention.read(UNITS / "tracker-retention.service")
    assert retention["Service"]["ExecStart"].endswith("manage.py apply_retention")
