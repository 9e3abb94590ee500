from __future__ import annotations

import re
from functools import cache
from http import HTTPStatus
from typing import Any

from drf_spectacular.plumbing import get_class
from drf_spectacular.utils import PolymorphicProxySerializer
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_serializers import (
    ParseErrorResponseSerializer,
    ValidationErrorEnum,
)
from drf_standardized_errors.openapi_utils import get_error_serializer
from drf_standardized_errors.openapi_validation_errors import get_validation_errors
from inflection import camelize
from rest_framework import permissions, serializers

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})

# The errors of one field, keyed by (scope, attr, codes): every operation that
# can give them refers to the same class, hence to one component, and
# drf-spectacular warns (failing `--fail-on-warn`) if one name got two shapes.
shared_error_serializer = cache(get_error_serializer)


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
        if status_code == "410":
            # Only a view that keeps what it serves for a limited time (the change feed).
            return getattr(self.view, "answers_gone", False)
        if status_code == "412":
            # If-Match is honoured by writes to an existing record.
            conditional = self.method in {"PUT", "PATCH", "DELETE"} or (
                self.method == "POST" and getattr(self.view, "detail", False)
            )
            return conditional and super()._should_add_error_response(responses, status_code)
        if status_code == "422":
            # Every POST takes an Idempotency-Key; reusing one for another body is a 422.
            return self.method == "POST" and super()._should_add_error_response(
                responses, status_code
            )
        if status_code == "413":
            return self.method in WRITE_METHODS and super()._should_add_error_response(
                responses, status_code
            )
        return super()._should_add_error_response(responses, status_code)

    def _get_http400_serializer(self) -> Any:
        # As drf-standardized-errors builds it, but each field's errors are a
        # component named after the serializer or FilterSet that declares the
        # field (ActorNameErrorComponent, ActorFilterKindErrorComponent), or
        # after the parameter alone (LimitErrorComponent), not after the
        # operation: create, update and partial_update share them, as do the
        # list and its export.
        if not self._should_add_validation_error_response():
            return ParseErrorResponseSerializer
        operation = camelize(self.get_operation_id())
        fields = self._determine_fields_with_error_codes()
        declared = {field.name for field in fields}
        scope = self._input_scope()
        members: dict[str, Any] = {
            attr: shared_error_serializer(scope if attr in declared else "", attr, frozenset(codes))
            for attr, codes in self._get_validation_error_codes_by_field(fields).items()
        }
        validation_error = type(
            f"{operation}ValidationErrorSerializer",
            (serializers.Serializer,),
            {
                "type": serializers.ChoiceField(choices=ValidationErrorEnum.choices),
                "errors": PolymorphicProxySerializer(
                    component_name=f"{operation}Error",
                    serializers=members,
                    resource_type_field_name="attr",
                    many=True,
                ),
                "Meta": type("Meta", (), {"ref_name": f"{operation}ValidationError"}),
            },
        )
        variants: dict[str, Any] = {"validation_error": validation_error}
        if self._should_add_parse_error_response():
            variants["client_error"] = ParseErrorResponseSerializer
        return PolymorphicProxySerializer(
            component_name=f"{operation}ErrorResponse400",
            serializers=variants,
            resource_type_field_name="type",
        )

    def _input_scope(self) -> str:
        """The name of what declares this operation's inputs: ActorSerializer gives Actor."""
        if self.method in WRITE_METHODS:
            return get_class(self.get_request_serializer()).__name__.removesuffix("Serializer")
        filterset = getattr(self.view, "filterset_class", None)
        return filterset.__name__.removesuffix("Set") if filterset else ""

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        # drf-standardized-errors' hook, not one its documentation offers for
        # overriding, so not called through super(): the codes declared with
        # @extend_validation_errors (the last one in scope wins, as there), and
        # the paging parameters, validated too (a negative offset is a 400 naming it).
        extra: dict[str, set[str]] = {}
        for name, declared in get_validation_errors(self.view).items():
            in_scope = [error for error in declared if error.is_in_scope(self)]
            if in_scope:
                extra[name] = in_scope[-1].error_codes
        if self.method == "POST":
            extra.setdefault("Idempotency-Key", {"invalid"})
        paginator = self._get_paginator()
        if self.method == "GET" and paginator is not None:
            for parameter in paginator.get_schema_operation_parameters(self.view):
                extra.setdefault(parameter["name"], {"invalid"})
        return extra


def open_error_codes(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Describe validation error codes as open sets, and list items by their index.

    drf-standardized-errors enumerates each field's error codes from the
    serializer field alone; the model's own validation (``full_clean``:
    constraints, cross-field rules, validators) adds codes it cannot see, so a
    closed enum would be wrong. The known codes stay in the description. An
    error in a list item is reported as ``aliases.0``, not ``aliases.INDEX``.
    """
    for name, component in result.get("components", {}).get("schemas", {}).items():
        properties = component.get("properties", {})
        if name.endswith("ErrorComponent") and "enum" in properties.get("code", {}):
            code = properties["code"]
            known = ", ".join(f"`{value}`" for value in code.pop("enum"))
            code["description"] = f"Known codes include {known}."
        attr = properties.get("attr", {})
        if name.endswith("ErrorComponent") and any(".INDEX" in v for v in attr.get("enum", [])):
            (value,) = attr.pop("enum")
            attr["pattern"] = "^" + re.escape(value).replace("INDEX", "[0-9]+") + "$"
            attr["description"] = value.replace("INDEX", "<index>")
        mapping = component.get("discriminator", {}).get("mapping")
        if mapping:
            for key in [key for key in mapping if ".INDEX" in key]:
                del mapping[key]
    return result


UNEXPECTED_FIELD_ERROR = {
    "type": "object",
    "description": (
        "A field the client may not write: unknown (`unknown`) or read-only (`read_only`). "
        "attr names it as sent."
    ),
    "properties": {
        "attr": {"type": "string"},
        "code": {"type": "string", "enum": ["unknown", "read_only"]},
        "detail": {"type": "string"},
    },
    "required": ["attr", "code", "detail"],
}
WRITE_OPERATIONS = ("CreateError", "UpdateError", "PartialUpdateError")


def request_bodies_are_closed(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Request bodies take exactly the writable fields (see StrictFieldsMixin).

    Anything else, read-only fields included, is a 400 whose error names it;
    such an error's attr can be any name, so those error lists are matched by
    their members' shapes rather than by a discriminator on attr.
    """
    schemas = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
        if name.endswith(WRITE_OPERATIONS) and "oneOf" in component:
            component["oneOf"].append({"$ref": "#/components/schemas/UnexpectedFieldError"})
            component.pop("discriminator", None)
    schemas["UnexpectedFieldError"] = UNEXPECTED_FIELD_ERROR
    return result


OPERATION_UNIONS = ("ErrorResponse400", "Error")


def inline_operation_unions(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Write each operation's own error unions where it uses them.

    An operation's 400 (its validation error or a parse error) and the list of
    attrs its validation errors can name are used by that operation alone: as
    components they only added a name per operation. What they choose between
    stays shared. Generated clients make no class for a union either way.
    """
    schemas = result.get("components", {}).get("schemas", {})
    unions = {
        f"#/components/schemas/{name}": schemas.pop(name)
        for name in [name for name, schema in schemas.items() if "oneOf" in schema]
        if name.endswith(OPERATION_UNIONS)
    }

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("$ref") in unions:
                return inline(unions[node["$ref"]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    return inline(result)


def empty_query_values_are_ignored(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Say that an optional query parameter given empty (``?ordering=``) counts as absent.

    That is how django-filter and the paging read them, and how the browsable
    API's filter form sends the fields left blank.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


def csv_content_is_text(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Describe CSV bodies as CSV text, not as the JSON structure they flatten.

    drf-spectacular lists every renderer's media type with the JSON schema;
    CSV answers (lists, exports, errors asked for as CSV) are plain text, and
    so are the JSON Lines of an export.
    """
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if "text/csv" in content:
                    content["text/csv"] = {
                        "schema": {"type": "string", "description": "CSV with a header row."}
                    }
                # An error in JSON Lines is one line holding the JSON error body.
                if "application/jsonl" in content and code.startswith("2"):
                    content["application/jsonl"] = {
                        "schema": {"type": "string", "description": "One JSON object a line."}
                    }
    return result


# RFC 9110's names, which Python's HTTPStatus took in 3.13: with them the
# schema reads the same whatever the Python it was generated on.
RFC_9110_PHRASES = {413: "Content Too Large", 422: "Unprocessable Content"}


def reason_phrase(code: int) -> str:
    return RFC_9110_PHRASES.get(code) or HTTPStatus(code).phrase


# The media types beside JSON that an error answer can take, and their names' suffixes.
TEXT_FORMS = (("text/csv", "Csv"), ("application/jsonl", "Jsonl"))


def share_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Give each generic error answer (401 and up) once, under components/responses.

    Those answers read the same in every operation that can give them (only the
    operations that can answer in CSV or JSON Lines add those forms), so each
    operation refers to them (NotFound, NotFoundOrCsv, NotFoundOrCsvOrJsonl, ...).
    The 400s differ by operation and stay in place. Runs last: the hooks before
    it add headers to these answers.
    """
    shared = result.setdefault("components", {}).setdefault("responses", {})
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.get("responses", {})
            for code, response in responses.items():
                if int(code) <= 400:
                    continue
                phrase = reason_phrase(int(code))
                name = phrase.title().replace(" ", "").replace("-", "")
                content = response.get("content", {})
                name += "".join(f"Or{label}" for media, label in TEXT_FORMS if media in content)
                answer = {**response, "description": phrase}
                if shared.setdefault(name, answer) == answer:
                    responses[code] = {"$ref": f"#/components/responses/{name}"}
    result["components"]["responses"] = dict(sorted(shared.items()))
    return result
