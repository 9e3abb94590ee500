"""gunicorn's settings for the tracker: what bin/serve and the load tests run.

gunicorn reads ./gunicorn.conf.py by itself when started from this directory;
elsewhere pass ``-c /path/to/gunicorn.conf.py``. Each setting can be changed
from the environment (below) and, as always, from gunicorn's command line.

Threads, not processes, carry the load: a gthread worker keeps a slow client
on a thread of its own and idle keep-alive connections on none. The CSV export
streams for as long as its client reads, so each process streams at most
EXPORT_STREAMS_PER_PROCESS exports at once (Django setting, default 2) and
answers one more with a 503: the other THREADS minus that many threads stay
free for /healthz and the API, whatever the exporting clients do.

Each thread keeps at most one PostgreSQL connection (CONN_MAX_AGE), so the
server opens at most WEB_CONCURRENCY x GUNICORN_THREADS of them (16 here), and
holds at most WEB_CONCURRENCY x EXPORT_STREAMS_PER_PROCESS long export
transactions.

    HOST, PORT              where to listen (127.0.0.1:8000)
    WEB_CONCURRENCY         worker processes (2; about one per core)
    GUNICORN_THREADS        threads per worker (8)
    GUNICORN_TIMEOUT        seconds a worker may stop answering the master
                            before it is restarted (30). With gthread the
                            master checks a heartbeat the worker's main loop
                            sends every second, not the length of a request:
                            an export that streams for ten minutes is not cut.
    GUNICORN_GRACEFUL_TIMEOUT  seconds requests in flight get to finish on a
                            restart or stop (30); an export still streaming
                            then is cut, which its client sees (the chunked
                            body never ends), never a short file that looks whole.
    GUNICORN_KEEPALIVE      seconds an idle keep-alive connection stays open (5)

gunicorn's sync worker (``-k sync`` with one thread) is refused at start: its
timeout is the length of a request, so it would kill a worker in the middle of
a long export after the status line had said 200.
"""

from __future__ import annotations

import os
from typing import Any

from tracker.request_log import formatters


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = _int("WEB_CONCURRENCY", 2)
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 8)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# One fixed socket path would clash between two servers on a machine.
control_socket_disable = True
# The app is loaded once, in the master, before the workers are forked: its
# start-up checks (tracker/startup.py) stop gunicorn with their message, and a
# worker restarted later (during a database outage, say) does not check again.
# The workers also share the pages of what was loaded. A new release needs a
# restart, not a reload (HUP), to load its code.
preload_app = True

# gunicorn's own lines (workers starting and stopping, timeouts) in the app's
# format: JSON unless LOG_FORMAT=text or DEBUG, as tracker/settings.py decides.
# No access log: the app writes a line for each request, with its id.
_debug = os.environ.get("DEBUG", "").lower() in ("1", "true", "yes", "on")
_format = os.environ.get("LOG_FORMAT") or ("text" if _debug else "json")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": formatters(),
    "filters": {"request_id": {"()": "tracker.request_log.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _format,
            "filters": ["request_id"],
            "stream": "ext://sys.stderr",
        }
    },
    # No level: gunicorn's --log-level (or loglevel) still decides.
    "loggers": {"gunicorn.error": {"handlers": ["console"], "propagate": False}},
}


def on_starting(server: Any) -> None:
    """Refuse a worker class that cuts long responses short (see the docstring)."""
    if server.cfg.worker_class.__name__ == "SyncWorker" and server.cfg.timeout:
        raise RuntimeError(
            f"gunicorn's sync worker stops any request that runs past --timeout "
            f"({server.cfg.timeout} s), cutting a long export after its 200 was sent. "
            "Run the gthread worker this file configures (GUNICORN_THREADS above 1), "
            "or set GUNICORN_TIMEOUT=0."
        )


def post_worker_init(worker: Any) -> None:
    """Warn when exports may take every thread of a worker (see the docstring)."""
    from django.conf import settings

    if not settings.configured:
        # Not the Django application (the benchmark's floor is plain WSGI).
        return
    streams = settings.EXPORT_STREAMS_PER_PROCESS
    if streams >= worker.cfg.threads:
        worker.log.warning(
            "EXPORT_STREAMS_PER_PROCESS (%s) is not below the threads per worker (%s): "
            "slow export readers can hold every thread and /healthz will wait behind them.",
            streams,
            worker.cfg.threads,
        )
