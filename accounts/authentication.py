"""How API clients authenticate with a service token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions, permissions
from rest_framework.request import Request


class ReadOnlyToken(exceptions.PermissionDenied):
    # The code stays permission_denied, the one the schema documents for a 403.
    default_detail = "This token is read-only: it can read but not write."


class ServiceTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` with a knox-hashed service token.

    An unknown, revoked or expired token, or one whose user is inactive, is a
    401. A read-only token is refused here, before any view runs, for every
    request that is not a read: that covers every endpoint, transitions and
    endpoints added later included, whatever permission classes they use.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        _user, token = result
        if token.read_only and request.method not in permissions.SAFE_METHODS:
            raise ReadOnlyToken()
        return result


class ServiceTokenScheme(OpenApiAuthenticationExtension):
    target_class = ServiceTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )
        scheme["description"] = (
            "A service token, sent as `Authorization: Token <key>`. An administrator "
            "creates it in the admin (API tokens) or with `manage.py create_token`; it "
            "acts as its user, with that user's permissions. A read-only token gets a 403 "
            "on any write."
        )
        return scheme
