"""Request rates per client: by IP address for anonymous clients, by user otherwise,
and failed token attempts by IP address.

The counts live in the default cache: local memory (per process) unless
REDIS_URL is set, which every process then shares. Rates come from the
settings at request time, so tests and deployments can change them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
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

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        # DRF's counts anonymous clients by address too, a second count of
        # what AnonymousRateThrottle counts (at a looser rate): one more cache
        # read and write per anonymous request, for nothing.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as throttling sees it: behind NUM_PROXIES proxies, if any.

    The login lockout (django-axes) uses it too, so both agree on who a client is.
    """
    # DRF's rule reads only the headers, which a Django request has as well.
    return throttling.BaseThrottle().get_ident(request)  # type: ignore[arg-type]


class FailedTokenThrottle(throttling.SimpleRateThrottle):
    """Clients that send bad credentials in the Authorization header, counted by address.

    Authentication runs before DRF's throttles, and a request whose token fails
    never reaches them, so the token authentication asks this throttle itself:
    first whether the client may still try (``allow_request``, which counts
    nothing), then, when the token fails, ``record_failure``. Good tokens cost
    a client nothing.
    """

    scope = "failed_token"

    def get_rate(self) -> str | None:
        return live_rate(self.scope)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def throttle_success(self) -> bool:
        return True

    def record_failure(self) -> None:
        if self.rate is None:
            return
        _count, duration = self.parse_rate(self.rate)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, duration)
