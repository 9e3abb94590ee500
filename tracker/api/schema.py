from __future__ import annotations

from typing import Any

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from rest_framework import permissions

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class AutoSchema(StandardizedErrorsAutoSchema):
    """Documents the error responses each operation can really return, and who may call it."""

    def get_auth(self) -> list[dict[str, Any]]:
        # Reads are open to anyone (DjangoModelPermissionsOrAnonReadOnly or
        # AllowAny), so they list no security requirement at all. Otherwise
        # drf-spectacular lists the token and the session as required, and
        # generated clients demand a token for every read. An optional
        # requirement ({} among the others) says the same by the OpenAPI spec,
        # but openapi-python-client ignores it and still asks for a token.
        if self.method in permissions.SAFE_METHODS and self._open_to_anyone():
            return []
        return super().get_auth()

    def _open_to_anyone(self) -> bool:
        checks = self.view.get_permissions()
        return all(
            isinstance(check, permissions.AllowAny)
            or (
                isinstance(check, permissions.DjangoModelPermissions)
                and not check.authenticated_users_only
            )
            for check in checks
        )

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code == "409":
            # Protected deletes, and writes that lose a race with another writer.
            return self.method in WRITE_METHODS | {"DELETE"} and super()._should_add_error_response(
                responses, status_code
            )
        if status_code == "412":
            # If-Match is honoured by writes to an existing record.
            conditional = self.method in {"PUT", "PATCH", "DELETE"} or (
                self.method == "POST" and getattr(self.view, "detail", False)
            )
            return conditional and super()._should_add_error_response(responses, status_code)
        if status_code == "413":
            return self.method in WRITE_METHODS and super()._should_add_error_response(
                responses, status_code
            )
        return super()._should_add_error_response(responses, status_code)


def csv_content_is_text(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Describe CSV bodies as CSV text, not as the JSON structure they flatten.

    drf-spectacular lists every renderer's media type with the JSON schema;
    CSV answers (lists, exports, errors asked for as CSV) are plain text.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {
                        "schema": {"type": "string", "description": "CSV with a header row."}
                    }
    return result


def _header(name: str, description: str) -> dict[str, Any]:
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
DETAIL_HEADERS = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Version of this representation, for If-None-Match and If-Match.",
    },
    "Last-Modified": {
        "schema": {"type": "string"},
        "description": "When the record last changed (HTTP date).",
    },
}
IF_NONE_MATCH = _header(
    "If-None-Match", "An ETag you hold: if the record is unchanged the answer is 304, no body."
)
IF_MATCH = _header(
    "If-Match",
    "The ETag you read: if the record changed since, the write is refused with 412.",
)


def document_http_headers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Add the paging and conditional-request headers to the operations that use them."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            operation_id = operation.get("operationId", "")
            responses = operation.get("responses", {})
            parameters = operation.setdefault("parameters", [])
            if method == "get" and operation_id.endswith("_list") and "200" in responses:
                responses["200"].setdefault("headers", {}).update(LIST_HEADERS)
            elif method == "get" and operation_id.endswith("_retrieve") and "200" in responses:
                responses["200"].setdefault("headers", {}).update(DETAIL_HEADERS)
                responses["304"] = {"description": "Not modified: your copy is current."}
                parameters.append(IF_NONE_MATCH)
            if "412" in responses:
                parameters.append(IF_MATCH)
            if not parameters:
                del operation["parameters"]
    return result
