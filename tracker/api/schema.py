from __future__ import annotations

from typing import Any

from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class AutoSchema(StandardizedErrorsAutoSchema):
    """Documents the error responses each operation can really return."""

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code == "409":
            # Protected deletes, and writes that lose a race with another writer.
            return self.method in WRITE_METHODS | {"DELETE"} and super()._should_add_error_response(
                responses, status_code
            )
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
