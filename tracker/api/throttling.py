"""Request rates per client: by IP address for anonymous clients, by user otherwise.

The counts live in the default cache: local memory (per process) unless
REDIS_URL is set, which every process then shares. Rates come from the
settings at request time, so tests and deployments can change them.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings


def live_rate(scope: str | None) -> str | None:
    # DRF reads the rates once, at import; reading them per request follows the settings.
    rates = api_settings.DEFAULT_THROTTLE_RATES
    rate = rates.get(scope) if scope else None
    return str(rate) if rate is not None else None


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    """Anonymous clients, counted by IP address."""

    def get_rate(self) -> str | None:
        return live_rate(self.scope)


class UserRateThrottle(throttling.UserRateThrottle):
    """Signed-in clients and token holders, counted by user."""

    def get_rate(self) -> str | None:
        return live_rate(self.scope)
