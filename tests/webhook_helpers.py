"""Running the webhook worker in the tests, as `manage.py db_worker` runs it."""

from __future__ import annotations

import time
from collections.abc import Callable
from unittest import mock

from django.core.management import call_command
from django_tasks_db.management.commands import db_worker


def work(until: Callable[[], bool] = lambda: True, timeout: float = 15.0) -> None:
    """Run the worker over every task that is due, again and again, until ``until()``.

    The worker closes connections between tasks, as Django does between
    requests; inside a test's transaction that would close the test's own, so
    it is left open here (tests/test_webhooks_worker.py runs the real thing).
    """
    deadline = time.monotonic() + timeout
    while True:
        with mock.patch.object(db_worker, "close_old_connections", return_value=None):
            call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
        if until():
            return
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not get there in time")
        time.sleep(0.02)
