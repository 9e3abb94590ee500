"""The project package (tracker/) is built on by the apps and never builds on them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("actors", "responses", "accounts", "savedfilters")


def imported_modules(source: str) -> list[tuple[int, str]]:
    """Every module an import names, at any depth (inside functions too), with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


def imports_an_app(module: str) -> bool:
    return module.split(".")[0] in APPS


def test_it_sees_imports_at_any_depth() -> None:
    source = "import os\ndef f():\n    from responses.models import Position\n"
    assert [module for _, module in imported_modules(source) if imports_an_app(module)] == [
        "responses.models"
    ]


@pytest.mark.parametrize(
    "path",
    sorted(ROOT.joinpath("tracker").rglob("*.py")),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_no_tracker_module_imports_an_app(path: Path) -> None:
    offending = [
        f"line {line}: {module}"
        for line, module in imported_modules(path.read_text())
        if imports_an_app(module)
    ]
    assert not offending, f"{path.relative_to(ROOT)} imports an app: {offending}"
