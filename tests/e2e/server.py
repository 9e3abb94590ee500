"""The production server under test: ``bin/serve`` (what ``make serve`` runs).

Each server gets a database of its own, a fresh SQLite file, so the flows
that change data cannot disturb one another. The collected static files are
shared between servers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
# Ports nobody's development server uses (runserver takes 8000).
PORTS = range(8100, 8200)
STARTUP_SECONDS = 60

# The curator persona. Staff with the model permissions, not a superuser, so
# the flows also prove that those permissions are enough to do the work.
CURATOR = "alice"
CURATOR_PASSWORD = "an-e2e-only-password-for-alice"
_CREATE_CURATOR = f"""
from django.contrib.auth.models import Permission, User
user, _ = User.objects.get_or_create(username={CURATOR!r})
user.is_staff = True
user.set_password({CURATOR_PASSWORD!r})
user.save()
user.user_permissions.set(
    Permission.objects.filter(content_type__app_label__in=["actors", "responses", "webhooks"])
)
"""


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORTS.start}-{PORTS.stop - 1}.")


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    def manage(self, *args: str) -> str:
        """Run a management command against this server's database."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPOSITORY,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            # gunicorn finishes the requests in flight on SIGTERM.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(workdir: Path, static_root: Path) -> Server:
    """Start ``bin/serve`` on a free port and wait until it answers its health check."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "PY": sys.executable,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "STATIC_ROOT": str(static_root),
        # Set once, so the management commands run next share the server's key.
        "SECRET_KEY": f"e2e-only-{os.urandom(24).hex()}",
        "DEBUG": "false",
        # The webhook flow subscribes a receiver on this machine.
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    }
    log = workdir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["bash", str(REPOSITORY / "bin" / "serve")],
            cwd=REPOSITORY,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    server = Server(url=f"http://127.0.0.1:{port}", process=process, env=env, log=log)
    try:
        _wait_until_healthy(server)
        server.manage("shell", "-c", _CREATE_CURATOR)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The server exited:\n{server.log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The server did not start:\n{server.log.read_text()[-3000:]}")
