"""Django's PostgreSQL backend, checking a kept connection only once it has sat idle.

With ``CONN_HEALTH_CHECKS`` Django runs ``SELECT 1`` before the first query
of every request on a kept connection: one round trip more than the request
needs, some 15 % of a position detail's time. What leaves a kept connection
dead is a database restart, a failover or an idle timeout, and a connection
that answered a moment ago has almost never met one. So a connection is
checked only when it has not been used for ``HEALTH_CHECK_AFTER_IDLE``
seconds (an alias's setting; 0 checks before every request, as Django does).

The price: a connection that broke within that moment fails the request
that next uses it (a 503 with Retry-After, tracker.middleware), and Django
then closes it at the end of that request, so the one after reconnects.
Under load the requests of the outage itself fail in the same way.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    health_check_done: bool  # Django's, which the type stubs leave out
    last_used = float("-inf")

    def connect(self) -> None:
        super().connect()
        self.last_used = time.monotonic()

    def create_cursor(self, name: Any = None) -> Any:
        self.last_used = time.monotonic()
        return super().create_cursor(name)

    def close_if_health_check_failed(self) -> None:
        trusted_for = self.settings_dict.get("HEALTH_CHECK_AFTER_IDLE", 0)
        if not self.health_check_done and time.monotonic() - self.last_used < trusted_for:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
