"""A long export under the shipped gunicorn configuration, with a worker timeout
far shorter than the export: it arrives whole, or visibly cut, never as a
clean 200 that holds fewer rows than it announced."""

from __future__ import annotations

import csv
import http.client
import io
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.production import free_port, manage, ready_to_serve, serving

POSITIONS = 10_000
EXPORT = "/api/v1/positions/export/"


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Production settings for one gunicorn worker, timeout one second, over an
    SQLite database of ten thousand positions."""
    environment = {
        **ready_to_serve(tmp_path_factory.mktemp("gunicorn")),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_TIMEOUT": "1",
    }
    generated = manage("generate_data", "--scale", "small", **environment)
    assert generated.returncode == 0, generated.stderr
    return environment


@pytest.fixture(scope="module")
def server(environment: dict[str, str]) -> Iterator[tuple[int, int]]:
    """The gunicorn master and its worker: (port, master's pid)."""
    with serving(environment) as process:
        yield int(environment["PORT"]), process.pid


class SmallWindow(http.client.HTTPConnection):
    """A client that takes the body a little at a time: what the server has
    written and the client has not read stays small, so the server is still
    sending when the test acts."""

    def connect(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        self.sock.settimeout(self.timeout)
        self.sock.connect((self.host, self.port))


def start_export(port: int, query: str = "") -> http.client.HTTPResponse:
    connection = SmallWindow("127.0.0.1", port, timeout=60)
    connection.request("GET", EXPORT + query)
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("Transfer-Encoding") == "chunked"
    return response


def test_a_reader_slower_than_the_worker_timeout_gets_every_row(server: tuple[int, int]) -> None:
    port, _ = server
    response = start_export(port)
    announced = int(response.getheader("X-Total-Count", "-1"))
    assert announced == POSITIONS
    filename = f'attachment; filename="positions-{POSITIONS}-records.csv"'
    assert response.getheader("Content-Disposition") == filename
    body = io.BytesIO()
    started = time.monotonic()
    while block := response.read(16 * 1024):
        body.write(block)
        time.sleep(0.05)
    # Several times the timeout went by while the worker streamed.
    assert time.monotonic() - started > 3, f"{body.tell()} bytes"
    rows = list(csv.reader(io.StringIO(body.getvalue().decode())))
    assert len(rows) - 1 == announced
    assert len({row[0] for row in rows[1:]}) == announced


def test_json_lines_arrive_whole_too(server: tuple[int, int]) -> None:
    port, _ = server
    response = start_export(port, "?format=jsonl")
    assert response.getheader("Content-Type") == "application/jsonl"
    lines = response.read().splitlines()
    assert len(lines) == int(response.getheader("X-Total-Count", "-1")) == POSITIONS


def test_a_write_during_an_export_neither_waits_for_it_nor_shows_in_it(
    server: tuple[int, int], environment: dict[str, str]
) -> None:
    # The export reads in one transaction for as long as its client takes; in
    # SQLite's default journal that held every write back until it failed.
    # JSON Lines, twice the CSV's size: more than the socket's buffers hold,
    # so the server is still reading rows when the write comes.
    port, _ = server
    response = start_export(port, "?format=jsonl")
    announced = int(response.getheader("X-Total-Count", "-1"))
    received = response.read(64 * 1024)
    edit = (
        "from responses.models import Position\n"
        "Position.objects.filter(pk__lte=10).update(summary='Written during the export')\n"
    )
    written = manage("shell", "-c", edit, **environment)
    assert written.returncode == 0, written.stderr
    received += response.read()
    summaries = [orjson.loads(line)["summary"] for line in received.splitlines()]
    assert len(summaries) == announced == POSITIONS
    assert "Written during the export" not in summaries
    again = start_export(port, "?format=jsonl").read().splitlines()
    assert sum(orjson.loads(line)["summary"] == "Written during the export" for line in again) == 10


def test_a_worker_killed_mid_export_leaves_a_body_that_is_visibly_cut(
    server: tuple[int, int],
) -> None:
    port, master = server
    response = start_export(port)
    announced = int(response.getheader("X-Total-Count", "-1"))
    received = response.read(64 * 1024)
    os.kill(worker_of(master), signal.SIGKILL)
    # The chunked body never ends with its last, empty chunk: the client is told.
    with pytest.raises(http.client.IncompleteRead) as cut:
        received += response.read()
    received += cut.value.partial
    rows = received.decode(errors="replace").splitlines()
    assert 1 < len(rows) - 1 < announced


def worker_of(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])
