from __future__ import annotations

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
