"""Signing in with a username and password, behind django-axes' lockout."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address before the password is checked.

    ``authenticate()`` called without a request (the test client's ``login``,
    a script) is no client guessing over HTTP: with no address to count it is
    passed on to the next backend, where django-axes would refuse it with an
    error. The login pages always pass their request.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
