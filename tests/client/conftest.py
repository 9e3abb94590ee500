"""A Python client generated from the committed openapi.yaml, importable as ``tracker_client``."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

SCHEMA = Path(__file__).resolve().parents[2] / "openapi.yaml"
PACKAGE = "tracker_client"
# No formatting hooks: they would need ruff on PATH, and nobody reads this code.
CONFIG = "post_hooks: []\n"


@pytest.fixture(scope="session")
def tracker_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """Generate the client as a service author would, failing on any generator warning."""
    root = tmp_path_factory.mktemp("generated")
    config = root / "config.yaml"
    config.write_text(CONFIG)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(SCHEMA),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(root / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (
        f"openapi-python-client refused the schema:\n{done.stdout}{done.stderr}"
    )
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]
