"""Issuing service tokens: the one place a token's plaintext exists."""

from __future__ import annotations

import datetime
from typing import Any

from knox.models import get_digest_token
from knox.settings import CONSTANTS

from accounts.models import ServiceToken


def fill_in_secret(token: ServiceToken) -> str:
    """Give an unsaved token a fresh secret; return the plaintext, which is not stored."""
    digest, key = get_digest_token()
    token.digest = digest
    token.token_key = key[: CONSTANTS.TOKEN_KEY_LENGTH]
    return key


def issue_token(
    user: Any,
    *,
    name: str,
    read_only: bool,
    expiry: datetime.datetime | None = None,
    created_by: Any = None,
) -> tuple[ServiceToken, str]:
    """Create a token for the user; the key is returned once and kept only as a hash."""
    token = ServiceToken(
        user=user, name=name, read_only=read_only, expiry=expiry, created_by=created_by
    )
    key = fill_in_secret(token)
    token.full_clean()
    token.save(force_insert=True)
    return token, key
