"""Slow export readers cannot take the server: a cap on streamed exports per process.

A held export here is a streamed response nobody has read or closed yet, as
one being sent to a slow client is. ``make loadtest-slow-readers`` shows the
same through gunicorn and real sockets.
"""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import make_position
from tests.production import ROOT, gunicorn

pytestmark = pytest.mark.django_db


@pytest.fixture
def held() -> Iterator[list[Any]]:
    """Export responses kept open during the test, closed (slots given back) after it."""
    responses: list[Any] = []
    yield responses
    for response in responses:
        response.close()


def export(client: APIClient) -> Any:
    return client.get(reverse("api:position-export"))


@override_settings(EXPORT_STREAMS_PER_PROCESS=2)
def test_an_export_beyond_the_cap_is_refused_with_a_503_and_retry_after(
    api_client: APIClient, held: list[Any]
) -> None:
    make_position()
    held += [export(api_client), export(api_client)]
    assert [response.status_code for response in held] == [200, 200]

    refused = export(api_client)

    assert refused.status_code == 503
    assert refused["Content-Type"] == "application/json"
    assert int(refused["Retry-After"]) > 0
    [error] = refused.json()["errors"]
    assert error["code"] == "service_unavailable"
    assert "exports" in error["detail"]


@override_settings(EXPORT_STREAMS_PER_PROCESS=1)
def test_health_and_lists_answer_while_every_export_slot_is_held(
    api_client: APIClient, held: list[Any]
) -> None:
    make_position()
    held.append(export(api_client))
    assert export(api_client).status_code == 503

    assert api_client.get("/healthz").status_code == 200
    assert api_client.get(reverse("api:position-list")).status_code == 200
    assert api_client.get(reverse("api:position-list"), {"format": "csv"}).status_code == 200


@override_settings(EXPORT_STREAMS_PER_PROCESS=1)
def test_a_slot_comes_back_when_the_export_is_read_to_the_end(api_client: APIClient) -> None:
    make_position()
    for _ in range(3):
        response = export(api_client)
        assert response.status_code == 200
        assert len(b"".join(response.streaming_content).splitlines()) == 2


# Outside a test transaction, as under a server: closing the response fires
# request_finished, which closes a connection left in a transaction.
@pytest.mark.django_db(transaction=True)
@override_settings(EXPORT_STREAMS_PER_PROCESS=1)
def test_a_slot_comes_back_when_the_client_hangs_up_half_way(api_client: APIClient) -> None:
    for _ in range(3):
        make_position()
    response = export(api_client)
    next(iter(response.streaming_content))
    # What the WSGI server does when the client goes away: close the response.
    response.close()

    again = export(api_client)
    assert again.status_code == 200
    assert again["X-Total-Count"] == "3"
    again.close()


def shipped_layout(**environment: str) -> dict[str, Any]:
    """gunicorn.conf.py's settings, as gunicorn reads them."""
    saved = dict(os.environ)
    os.environ.update(environment)
    try:
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_the_shipped_layout_keeps_threads_beside_the_exports() -> None:
    layout = shipped_layout()
    assert layout["worker_class"] == "gthread"
    # With gthread the timeout is the worker's heartbeat, not a request's length.
    assert layout["timeout"] > 0
    assert layout["threads"] > settings.EXPORT_STREAMS_PER_PROCESS


def test_the_layout_is_set_from_the_environment() -> None:
    layout = shipped_layout(WEB_CONCURRENCY="3", GUNICORN_THREADS="12", GUNICORN_TIMEOUT="45")
    assert (layout["workers"], layout["threads"], layout["timeout"]) == (3, 12, 45)


def test_gunicorn_accepts_the_configuration_and_loads_the_app(
    ready_environment: dict[str, str],
) -> None:
    result = gunicorn("--check-config", **ready_environment)
    assert result.returncode == 0, result.stderr


def test_gunicorn_refuses_the_sync_worker_that_would_cut_a_long_export(
    ready_environment: dict[str, str],
) -> None:
    sync = ("--worker-class", "sync", "--threads", "1", "--bind", "127.0.0.1:0")
    result = gunicorn(*sync, **ready_environment)
    assert result.returncode != 0
    assert "sync worker stops any request that runs past --timeout (30 s)" in result.stderr


# The WSGI handler itself runs, with close_old_connections on each request (Django's
# test client turns it off): the test's own transaction would be closed under it.
@pytest.mark.django_db(transaction=True)
@override_settings(EXPORT_STREAMS_PER_PROCESS=1)
def test_a_slot_comes_back_when_the_body_is_read_to_the_end_without_a_close() -> None:
    """A WSGI client that reads the whole body and never closes the response
    (werkzeug's test client, which the schema fuzzer drives) does not keep the slot."""
    from django.core.wsgi import get_wsgi_application
    from werkzeug.test import Client

    make_position()
    client = Client(get_wsgi_application())
    kept = []
    for _ in range(3):
        response = client.get(reverse("api:position-export"))
        assert response.status_code == 200
        assert len(response.get_data().splitlines()) == 2
        kept.append(response)  # referenced, so no finalizer gives the slot back


def test_the_layout_also_serves_a_wsgi_application_that_is_not_django() -> None:
    """The benchmark's floor runs under this configuration (gunicorn reads it from
    the working directory): the worker hook must not need Django's settings."""
    environment = dict(os.environ)
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    script = "import runpy; runpy.run_path('gunicorn.conf.py')['post_worker_init'](None)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
