"""A PostgreSQL cluster of our own, which the fault test may stop and start.

It is created with Debian's postgresql-common tools on its own port, with
trust authentication on the loopback, and dropped at the end: the machine's
main cluster (which others may be using) is never touched.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG_ROOT = Path("/etc/postgresql")


def installed_version() -> str:
    versions = sorted(path.name for path in CONFIG_ROOT.iterdir() if path.is_dir())
    if not versions:
        raise SystemExit("No PostgreSQL server is installed (nothing in /etc/postgresql).")
    return versions[-1]


def free_port(first: int, last: int) -> int:
    """The first port in the range that nothing on the loopback listens on."""
    for port in range(first, last + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"No free port between {first} and {last}.")


def own_name(prefix: str = "trackerload") -> str:
    """A cluster name of this run's own: two runs on one machine never share one."""
    return f"{prefix}_{os.getpid()}"


def drop_stale(prefix: str = "trackerload") -> None:
    """Drop clusters left by runs that were killed: ours by name, and not running."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=False
    )
    for line in listing.stdout.splitlines():
        version, name, _port, status, *_ = line.split()
        if name.startswith(f"{prefix}_") and status == "down":
            subprocess.run(["pg_dropcluster", version, name], capture_output=True, check=False)


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


@dataclass
class Cluster:
    name: str
    port: int
    version: str = ""

    def __post_init__(self) -> None:
        self.version = self.version or installed_version()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/tracker"

    @property
    def log_file(self) -> Path:
        return Path(f"/var/log/postgresql/postgresql-{self.version}-{self.name}.log")

    def exists(self) -> bool:
        return (CONFIG_ROOT / self.version / self.name).exists()

    def create(self) -> None:
        drop_stale()
        run(
            "pg_createcluster",
            self.version,
            self.name,
            "--port",
            str(self.port),
            "--",
            "--auth-local=trust",
            "--auth-host=trust",
        )
        self.start()
        run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-qc",
            "CREATE DATABASE tracker",
        )

    def ctl(self, action: str, *options: str) -> None:
        run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *options)

    def start(self) -> None:
        self.ctl("start")
        self.wait_ready()

    def stop(self) -> None:
        # Fast: open connections are cut, as in a crash of the server process.
        self.ctl("stop", "-m", "fast")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(
                ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise SystemExit(f"PostgreSQL on port {self.port} did not become ready.")

    def drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", self.version, self.name],
            check=False,
            capture_output=True,
        )


def standby_of(primary: Cluster, name: str, port: int) -> Cluster:
    """A streaming hot standby of ``primary``: a cluster of its own whose data
    directory is replaced by a base backup of the primary's (``pg_basebackup -R``
    writes the settings that make it follow the primary)."""
    standby = Cluster(name, port, primary.version)
    drop_stale()
    run("pg_createcluster", standby.version, name, "--port", str(port), "--",
        "--auth-local=trust", "--auth-host=trust")  # fmt: skip
    data = Path(f"/var/lib/postgresql/{standby.version}/{name}")
    for entry in data.iterdir():
        subprocess.run(["rm", "-rf", str(entry)], check=True)
    backup = [
        "pg_basebackup",
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-c",
        "fast",
    ]
    run("runuser", "-u", "postgres", "--", *backup, "-D", str(data), "-R", "-X", "stream")
    standby.start()
    return standby
