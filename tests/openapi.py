"""The committed schema (openapi.yaml), parsed once per test process.

test_schema_and_docs checks that it is what the code generates, so the
tests of what the schema documents read it here rather than generating it
again (seconds each). The parsed schema is shared: read it, never change it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

COMMITTED_SCHEMA = Path(__file__).resolve().parent.parent / "openapi.yaml"
# libyaml's loader when PyYAML was built with it: the schema is half a megabyte.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def committed_schema() -> dict[str, Any]:
    return dict(yaml.load(COMMITTED_SCHEMA.read_text(), Loader=LOADER))
