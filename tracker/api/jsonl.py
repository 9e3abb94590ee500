"""JSON Lines (https://jsonlines.org/): one JSON object a line, for exports that
scripts read record by record without a CSV parser.

The keys are the CSV export's headers, in its order; the values keep their
JSON types (numbers, null, lists for many-valued columns, ISO 8601 text for
dates and times).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
from rest_framework import renderers

JSONL_CONTENT_TYPE = "application/jsonl"
ROWS_PER_CHUNK = 1000


def jsonl_line(record: Mapping[str, Any]) -> bytes:
    # default=str: Decimal and the like as text, as DRF's JSON shows them.
    return orjson.dumps(record, default=str, option=orjson.OPT_APPEND_NEWLINE)


def jsonl_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Each row as a line keyed by ``header``, a thousand lines to a chunk (one
    socket write each)."""
    lines: list[bytes] = []
    for row in rows:
        lines.append(jsonl_line(dict(zip(header, row, strict=True))))
        if len(lines) == ROWS_PER_CHUNK:
            yield b"".join(lines)
            lines.clear()
    if lines:
        yield b"".join(lines)


class JsonLinesRenderer(renderers.BaseRenderer):
    """Lets clients ask an export for JSON Lines (``?format=jsonl`` or
    ``Accept: application/jsonl``).

    The export writes its lines itself; what reaches this renderer is an
    error, written as one line holding the standard error body.
    """

    media_type = JSONL_CONTENT_TYPE
    format = "jsonl"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return b"" if data is None else jsonl_line(data)
