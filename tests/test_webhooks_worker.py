"""The worker as it runs in production, a separate process: killed mid-stream and
started again, it sends every change, in order, and loses none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.production import ROOT, ready_to_serve, run_python
from tests.receivers import Receiver, receiving

MAKE_ACTORS = (
    "import django; django.setup();"
    "from actors.models import Actor;"
    "[Actor.objects.create(slug=f'{prefix}-{n}', name=f'Actor {n}', kind='state')"
    " for n in range({count})]"
)


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def start_worker(environment: dict[str, str]) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.Popen(
        [sys.executable, "manage.py", "webhooks_worker", "--interval", "0.05"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "tracker.settings", **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def delivered_changes(receiver: Receiver) -> list[int]:
    return [int(body["change"]["cursor"]) for body in receiver.bodies()]


def test_a_worker_killed_mid_stream_and_started_again_loses_nothing(tmp_path: Path) -> None:
    environment = {
        **ready_to_serve(tmp_path),
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
        "WEBHOOK_TIMEOUT_SECONDS": "0.5",
        "PUBLIC_BASE_URL": "http://tracker.example.org",
    }
    # Slow enough that the worker is killed while it sends.
    with receiving(delay=lambda _n: 0.03) as receiver:
        subscribed = run_python(
            "import django; django.setup();"
            "from django.contrib.auth.models import User;"
            "from webhooks.models import Subscription;"
            "owner = User.objects.create_user('ivy');"
            f"Subscription.objects.create(owner=owner, target_url='{receiver.url}',"
            " resources=['actors'], actions=['created'])",
            **environment,
        )
        assert subscribed.returncode == 0, subscribed.stderr
        made = run_python(MAKE_ACTORS.replace("{prefix}", "first").replace("{count}", "30"),
                          **environment)  # fmt: skip
        assert made.returncode == 0, made.stderr
        worker = start_worker(environment)
        try:
            wait_for(lambda: len(receiver.received) >= 8)
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
        sent_before = len(receiver.received)
        # Written while no worker runs.
        made = run_python(MAKE_ACTORS.replace("{prefix}", "second").replace("{count}", "10"),
                          **environment)  # fmt: skip
        assert made.returncode == 0, made.stderr
        worker = start_worker(environment)
        try:
            wait_for(lambda: len(set(delivered_changes(receiver))) >= 40)
            time.sleep(0.5)  # anything more would arrive now
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    changes = delivered_changes(receiver)
    assert sent_before < 40
    assert len(set(changes)) == 40
    # At least once: a delivery cut by the kill may come twice, and only that one.
    first_arrivals = list(dict.fromkeys(changes))
    assert first_arrivals == sorted(first_arrivals)
    assert len(changes) - len(set(changes)) <= 1
    remaining = run_python(
        "import django; django.setup(); from webhooks.models import Delivery;"
        "print(Delivery.objects.filter(status='pending').count())",
        **environment,
    )
    assert remaining.stdout.strip() == "0", remaining.stderr
