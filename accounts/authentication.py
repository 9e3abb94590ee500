"""How API clients authenticate with a service token."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from tracker.api.throttling import FailedTokenThrottle


class ReadOnlyToken(exceptions.PermissionDenied):
    # The code stays permission_denied, the one the schema documents for a 403.
    default_detail = "This token is read-only: it can read but not write."


class ServiceTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` with a knox-hashed service token.

    Any Authorization header that does not carry a working token is a 401 in
    the API's error shape, whatever its shape: another scheme, a malformed or
    non-ASCII header, an unknown, revoked or expired token, or one whose user
    is inactive. Each such failure counts against the client's address
    (``FailedTokenThrottle``); past the limit the client gets a 429 with
    Retry-After before its header is even looked at.

    A read-only token is refused here, before any view runs, for every
    request that is not a read: that covers every endpoint, transitions and
    endpoints added later included, whatever permission classes they use.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        throttle = FailedTokenThrottle()
        # The count is per address, whichever view the request is for.
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            raise exceptions.Throttled(throttle.wait())
        try:
            result = self.authenticate_credentials(self.key_in(request).encode())
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise
        _user, token = result
        if token.read_only and request.method not in permissions.SAFE_METHODS:
            raise ReadOnlyToken()
        return result

    def key_in(self, request: Request) -> str:
        """The key sent as ``Token <key>``; AuthenticationFailed for any other header.

        Checked here rather than by knox, which decodes the key as UTF-8 and
        so fails with a server error on other bytes.
        """
        header = request.META["HTTP_AUTHORIZATION"]
        # A server hands headers over as latin-1 text; the test client may pass bytes.
        text = header.decode("latin-1") if isinstance(header, bytes) else str(header)
        parts = text.split()
        if not parts or parts[0].lower() != self.authenticate_header(request).lower():
            raise exceptions.AuthenticationFailed(
                "Unsupported authorization: send the header as 'Token <key>'."
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: send 'Token <key>', the key without spaces."
            )
        key = parts[1]
        longest = len(knox_settings.TOKEN_PREFIX) + knox_settings.AUTH_TOKEN_CHARACTER_LENGTH
        if not key.isascii() or len(key) > longest:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return key


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
