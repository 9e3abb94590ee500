"""JSON rendered by orjson: the same bytes as DRF's JSONRenderer, several times faster.

DRF's renderer runs the standard library's encoder with a Python fallback
for every non-JSON type; orjson encodes the plain dicts, lists and strings
that serializers produce natively. Anything else (dates, decimals, lazy
translations in error messages) goes through DRF's own encoder, so the
output does not change; nor does the escaping of U+2028 and U+2029, which
DRF does to keep JSON a JavaScript subset. Indented output (``Accept:
application/json; indent=4``) is left to DRF.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from django.urls import reverse
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.utils.urls import replace_query_param

_fallback = JSONEncoder()
_SEPARATORS = ("\u2028".encode(), "\u2029".encode())


def _default(value: Any) -> Any:
    return _fallback.default(value)


# The most of an answer the browsable API shows. A page of a list is far
# less; an event's whole matrix at 2,600 positions is 3 MB, which a browser
# tab renders slowly and a phone may not at all.
SHOWN_CHARACTERS = 200_000


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, with a list's facets beside it (tracker.api.facets),
    and a long answer shown cut, with the address of the whole of it."""

    def get_content(
        self,
        renderer: renderers.BaseRenderer,
        data: Any,
        accepted_media_type: str,
        renderer_context: Mapping[str, Any],
    ) -> str:
        content: str = super().get_content(renderer, data, accepted_media_type, renderer_context)
        if len(content) <= SHOWN_CHARACTERS:
            return content
        request = renderer_context["request"]
        whole = replace_query_param(request.build_absolute_uri(), "format", renderer.format)
        return (
            f"{content[:SHOWN_CHARACTERS]}\n\n"
            f"[Cut here: the whole answer is {len(content):,} characters, too long to show. "
            f"Get it whole at {whole} ]"
        )

    def get_context(
        self, data: Any, accepted_media_type: str | None, renderer_context: Mapping[str, Any]
    ) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context(data, accepted_media_type, renderer_context)
        view, response = renderer_context["view"], renderer_context["response"]
        context["facets"] = None
        context["page_url"] = None
        page_url_name = getattr(view, "page_url_name", None)
        if (
            page_url_name
            and response.status_code == 200
            and getattr(view, "action", None) == "retrieve"
            and isinstance(data, dict)
            and "slug" in data
        ):
            context["page_url"] = reverse(page_url_name, args=[data["slug"]])
        if (
            response.status_code == 200
            and getattr(view, "action", None) == "list"
            and hasattr(view, "shown_facets")
        ):
            found = data.get("facets") if isinstance(data, dict) else None
            facets = found if found is not None else view.shown_facets()
            context["facets"] = [
                {
                    "name": name,
                    "title": name.replace("_", " ").capitalize(),
                    "timed_out": facet["timed_out"],
                    "truncated": facet["truncated"],
                    "values": [{**item, "count": f"{item['count']:,}"} for item in facet["values"]],
                }
                for name, facet in facets.items()
            ]
        return context


class JSONRenderer(renderers.JSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        # Datetimes pass through to DRF's encoder, which writes them as DRF does.
        content = orjson.dumps(data, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)
        if _SEPARATORS[0] in content or _SEPARATORS[1] in content:
            content = content.replace(_SEPARATORS[0], b"\\u2028").replace(
                _SEPARATORS[1], b"\\u2029"
            )
        return content
