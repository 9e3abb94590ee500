"""The HTTP headers the schema documents: paging, conditional requests,
idempotent creates and retries, added to each operation where they apply."""

from __future__ import annotations

from typing import Any


def header(name: str, description: str) -> dict[str, Any]:
    return {
        "in": "header",
        "name": name,
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


LIST_HEADERS = {
    "X-Total-Count": {
        "schema": {"type": "integer"},
        "description": "Total number of matching records (not on cursor pages).",
    },
    "Link": {
        "schema": {"type": "string"},
        "description": 'RFC 8288 links to the next and previous pages (rel="next", rel="prev").',
    },
}

EXPORT_HEADERS = {
    "X-Total-Count": {
        "schema": {"type": "integer"},
        "description": (
            "The number of records the body holds, counted in the snapshot they are "
            "read from and sent before them: a body with fewer was cut."
        ),
    },
    "Content-Disposition": {
        "schema": {"type": "string"},
        "description": 'attachment; filename="positions-1000-records.csv": the count again, '
        "where a person opening the file sees it.",
    },
}


def validator_headers(etag: str, last_modified: str) -> dict[str, Any]:
    """The ETag and Last-Modified headers of an answer, described."""
    return {
        "ETag": {"schema": {"type": "string"}, "description": etag},
        "Last-Modified": {"schema": {"type": "string"}, "description": last_modified},
    }


DETAIL_HEADERS = validator_headers(
    "Version of this representation, for If-None-Match and If-Match.",
    "When the record last changed (HTTP date).",
)
PAGE_HEADERS = validator_headers(
    "Version of this page, for If-None-Match.",
    "When something on the page last changed (HTTP date).",
)
IF_NONE_MATCH = header(
    "If-None-Match", "An ETag you hold: if the answer is unchanged it is a 304, no body."
)
IF_MODIFIED_SINCE = header(
    "If-Modified-Since",
    "A Last-Modified you hold (used without If-None-Match): if nothing changed since, "
    "the answer is a 304, no body.",
)


def conditional_lists() -> set[str]:
    """The paths of the lists that answer conditional requests (their viewsets' mixin)."""
    from tracker.api.conditional import ConditionalRequestMixin
    from tracker.api.routers import routers
    from tracker.api.urls import APPS

    return {
        f"/api/v1/{prefix}/"
        for router in routers(APPS)
        for prefix, viewset, _basename in router.registry
        if issubclass(viewset, ConditionalRequestMixin)
    }


def is_detail_of(address: str, lists: set[str]) -> bool:
    """Whether ``address`` is a record of one of ``lists`` (``/events/{slug}/``), not an
    action beside it (``/events/{slug}/matrix/``, ``/events/export/``)."""
    head, _, last = address.rstrip("/").rpartition("/")
    return f"{head}/" in lists and last.startswith("{")


IDEMPOTENCY_KEY = {
    **header(
        "Idempotency-Key",
        "Makes a retry safe: sent again with the same key (after a timeout, say), the "
        "request is not applied twice and the first answer comes back, marked "
        "Idempotent-Replayed: true. The same key with a different body is a 422. Keys "
        "belong to your user and are forgotten after 24 hours; only successful answers "
        "are kept, so a refused request can be corrected and sent again with its key.",
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before retrying.",
    }
}
REPLAYED = {
    "Idempotent-Replayed": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "Present on a replay of the first answer to this Idempotency-Key.",
    }
}
IF_MATCH = header(
    "If-Match",
    "The ETag you read: if the record changed since, the write is refused with 412.",
)


def document_http_headers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the paging, export, conditional-request, idempotency and retry headers
    where they apply."""
    conditional = conditional_lists()
    for address, path in result.get("paths", {}).items():
        for method, operation in path.items():
            operation_id = operation.get("operationId", "")
            responses = operation.get("responses", {})
            parameters = operation.setdefault("parameters", [])
            if method == "get" and operation_id.endswith("_list") and "200" in responses:
                responses["200"].setdefault("headers", {}).update(LIST_HEADERS)
                if address in conditional:
                    responses["200"]["headers"].update(PAGE_HEADERS)
                    responses["304"] = {"description": "Not modified: your copy is current."}
                    parameters += [IF_NONE_MATCH, IF_MODIFIED_SINCE]
            elif method == "get" and operation_id.endswith("_export_retrieve"):
                responses["200"].setdefault("headers", {}).update(EXPORT_HEADERS)
            elif method == "get" and is_detail_of(address, conditional) and "200" in responses:
                responses["200"].setdefault("headers", {}).update(DETAIL_HEADERS)
                responses["304"] = {"description": "Not modified: your copy is current."}
                parameters += [IF_NONE_MATCH, IF_MODIFIED_SINCE]
            if "412" in responses:
                parameters.append(IF_MATCH)
            if method == "post":
                parameters.append(IDEMPOTENCY_KEY)
                for code in ("200", "201"):
                    if code in responses:
                        responses[code].setdefault("headers", {}).update(REPLAYED)
            for code in ("429", "503"):
                if code in responses:
                    responses[code].setdefault("headers", {}).update(RETRY_AFTER)
            if not parameters:
                del operation["parameters"]
    return result
