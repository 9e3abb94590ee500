"""Helpers for the import_records tests: write a file, run the command, read its report."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SOURCE_URL = "https://example.org/kyiv-strike"

# A small world that positions and measures can refer to.
WORLD: list[dict[str, Any]] = [
    {
        "type": "source",
        "key": "article",
        "kind": "news_article",
        "title": "Russian drone strike on Kyiv",
        "publisher": "Example Wire",
        "url": SOURCE_URL,
    },
    {"type": "actor", "slug": "ukraine", "name": "Ukraine", "kind": "state", "country": "UA"},
    {"type": "actor", "slug": "russia", "name": "Russia", "kind": "state", "country": "RU"},
    {
        "type": "actor",
        "slug": "european-union",
        "name": "European Union",
        "short_name": "EU",
        "kind": "supranational_union",
    },
    {
        "type": "event",
        "slug": "kyiv-drone-strike",
        "title": "Russian drone strike on Kyiv",
        "kind": "drone_strike",
        "initiator": "russia",
        "target": "ukraine",
        "sources": ["article"],
    },
]


def position(**fields: Any) -> dict[str, Any]:
    """A valid position row about the strike, with overridable fields."""
    return {
        "type": "position",
        "actor": "ukraine",
        "event": "kyiv-drone-strike",
        "target": "russia",
        "stance": "condemn",
        "cameo_code": "111",
        "summary": "Condemns the strike.",
        "sources": [SOURCE_URL],
        **fields,
    }


def write_jsonl(directory: Path, *records: dict[str, Any] | str, name: str = "records") -> Path:
    """One record per line; a string is written as it is (to test malformed lines)."""
    path = directory / f"{name}.jsonl"
    path.write_text(
        "".join(
            (record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)) + "\n"
            for record in records
        ),
        encoding="utf-8",
    )
    return path


def load(*paths: Path, **options: Any) -> str:
    """Run the command; it must succeed. Returns what it printed."""
    out = io.StringIO()
    call_command("import_records", *map(str, paths), stdout=out, **options)
    return out.getvalue()


def load_rejected(*paths: Path, **options: Any) -> str:
    """Run the command; it must fail (rows rejected). Returns what it printed."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("import_records", *map(str, paths), stdout=out, **options)
    return out.getvalue()
