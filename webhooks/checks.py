"""Settings the webhooks need, checked when Django starts (``manage.py check``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http.request import validate_host


@checks.register()
def public_base_url(**_: Any) -> list[checks.CheckMessage]:
    parts = urlsplit(settings.PUBLIC_BASE_URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            checks.Error(
                f"PUBLIC_BASE_URL={settings.PUBLIC_BASE_URL!r} is not an http(s) address.",
                hint="Set it to the address clients reach the API at, such as https://tracker.example.org.",
                id="webhooks.E001",
            )
        ]
    if not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        return [
            checks.Warning(
                f"PUBLIC_BASE_URL's host {parts.hostname} is not in ALLOWED_HOSTS.",
                hint="Deliveries link to records there: add its host to ALLOWED_HOSTS.",
                id="webhooks.W001",
            )
        ]
    return []
