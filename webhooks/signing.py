"""Signing deliveries the way the Standard Webhooks specification does.

Three headers: ``webhook-id`` (the delivery's id, the same on every retry),
``webhook-timestamp`` (seconds since the epoch, when this attempt was
signed) and ``webhook-signature``: ``v1,`` then the base64 HMAC-SHA256, keyed
with the secret's bytes, of ``{id}.{timestamp}.{body}``. Libraries for many
languages verify it; docs/services.md shows it in a few lines of Python.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, delivery_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{delivery_id}.{timestamp}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, delivery_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, delivery_id, timestamp, body),
    }
