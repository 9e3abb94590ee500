"""Every request has an id, sent back to the client and carried by each line it logs."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from tests.production import run_python

pytestmark = pytest.mark.django_db

# In a fresh interpreter with the project's logging: one request that fails,
# its answer's id printed last (the log lines go to standard error).
FAILING_REQUEST = """
import django
django.setup()
from unittest import mock
from django.test import Client
from actors.api.views import ActorViewSet

with mock.patch.object(ActorViewSet, "list", side_effect=RuntimeError("the list broke")):
    client = Client(raise_request_exception=False, HTTP_HOST="tracker.example.org")
    response = client.get("/api/v1/actors/", secure=True)
print(response.status_code, response["X-Request-ID"])
"""


def test_each_response_carries_a_new_request_id(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/api/v1/actors/")["X-Request-ID"]
    assert len(first) == len(second) == 32
    assert first != second


def test_an_id_sent_by_a_proxy_is_kept_and_a_malformed_one_replaced(client: Client) -> None:
    sent = "3f9c1a2b-proxy-0001"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    for bad in ("short", "spaces are not ids", "x" * 129, 'quote"and\\slash'):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert answered != bad
        assert len(answered) == 32


def json_lines(stderr: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def test_every_line_of_a_request_is_json_with_its_id(ready_environment: dict[str, str]) -> None:
    result = run_python(FAILING_REQUEST, **ready_environment, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "500"
    lines = json_lines(result.stderr)
    # Django's error with its traceback, then the request's own line.
    error, request = lines[-2:]
    assert error["logger"] == "django.request"
    assert error["level"] == "ERROR"
    assert "the list broke" in str(error["exc_info"])
    assert request["logger"] == "tracker.requests"
    assert str(request["message"]).startswith("GET /api/v1/actors/ 500 ")
    shown = (request["method"], request["path"], request["status"])
    assert shown == ("GET", "/api/v1/actors/", 500)
    assert {line["request_id"] for line in (error, request)} == {request_id}
    assert set(request) >= {"time", "level", "logger", "request_id", "message", "ms"}


UNAVAILABLE = """
import logging
import django
django.setup()
from unittest import mock
from django.test import Client
from rest_framework.response import Response
from actors.api.views import ActorViewSet

with mock.patch.object(ActorViewSet, "list", return_value=Response(status=503)):
    client = Client(HTTP_HOST="tracker.example.org")
    response = client.get("/api/v1/actors/", secure=True)
# As gunicorn does for an error in a streamed body: after the response is closed.
logging.getLogger("gunicorn.error").error("Error handling request /api/v1/actors/")
print(response.status_code, response["X-Request-ID"])
"""


def test_lines_written_after_the_middleware_answered_carry_the_id(
    ready_environment: dict[str, str],
) -> None:
    # Django writes it after the middleware has answered, as the response leaves.
    result = run_python(UNAVAILABLE, **ready_environment, LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "503"
    [error] = [line for line in json_lines(result.stderr) if line["logger"] == "django.request"]
    assert error["message"] == "Service Unavailable: /api/v1/actors/"
    assert error["request_id"] == request_id
    [server] = [line for line in json_lines(result.stderr) if line["logger"] == "gunicorn.error"]
    assert server["request_id"] == request_id


def test_text_lines_name_the_request_id_too(ready_environment: dict[str, str]) -> None:
    result = run_python(FAILING_REQUEST, **ready_environment, LOG_FORMAT="text")
    _, request_id = result.stdout.split()
    request_line = result.stderr.splitlines()[-1]
    assert f"INFO tracker.requests [{request_id}] GET /api/v1/actors/ 500 " in request_line


def test_gunicorn_writes_its_own_lines_in_the_same_format() -> None:
    code = (
        "import logging.config, runpy; "
        "config = runpy.run_path('gunicorn.conf.py')['logconfig_dict']; "
        "logging.config.dictConfig(config); "
        "logging.getLogger('gunicorn.error').warning('WORKER TIMEOUT (pid:%s)', 42)"
    )
    line = json_lines(run_python(code, DEBUG="false").stderr)[-1]
    assert (line["logger"], line["level"], line["request_id"]) == ("gunicorn.error", "WARNING", "-")
    assert line["message"] == "WORKER TIMEOUT (pid:42)"


class Receiver(BaseHTTPRequestHandler):
    """An error-reporting service on loopback: keeps what it is sent."""

    received: list[bytes] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def error_service() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received = []
    yield f"http://public-key@127.0.0.1:{server.server_address[1]}/1"
    server.shutdown()


def test_errors_are_reported_with_their_request_id_when_a_dsn_is_set(
    ready_environment: dict[str, str], error_service: str
) -> None:
    code = FAILING_REQUEST + "import sentry_sdk; sentry_sdk.flush(timeout=10)\n"
    result = run_python(code, **ready_environment, SENTRY_DSN=error_service)
    assert result.returncode == 0, result.stderr
    _, request_id = result.stdout.split()
    sent = b"".join(Receiver.received).decode(errors="replace")
    assert "the list broke" in sent
    assert request_id in sent
