"""A read-write API token for a user, whichever token model the project uses."""

from __future__ import annotations

from typing import Any


def api_token(user: Any) -> str:
    """The key to send as ``Authorization: Token <key>``."""
    from django.apps import apps

    if not apps.is_installed("accounts"):
        from rest_framework.authtoken.models import Token

        return str(Token.objects.create(user=user).key)
    # Hashed service tokens (the accounts app).
    from accounts.tokens import issue_token  # type: ignore[import-not-found, unused-ignore]

    _token, key = issue_token(user, name="tests", read_only=False)
    return str(key)
