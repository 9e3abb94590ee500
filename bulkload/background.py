"""Writing one batch while the next one is read.

Reading, resolving and validating rows is Python work; writing them is work
for the database. On PostgreSQL the two take about as long, so the loader
hands each batch's writes to a second thread and goes on with the next rows,
which nearly halves a load.

The writer thread uses the loading thread's connection, so its writes belong
to the same transaction. There is never more than one job, and the loading
thread calls ``wait`` before it uses the connection itself (a query, the end
of the transaction): the connection is never used by both threads at once.
An error in a job is raised again by ``wait``, in the loading thread, where
the transaction is rolled back as for any other error.

While a job runs, the loading thread holds the GIL nearly all the time, and
the writing thread needs it back after every reply from the database: by
default Python hands it over only every 5 ms, which left the database idle
for a tenth of a load. The switch interval is shortened while a job runs.

Elsewhere (SQLite) jobs run at once, in the loading thread.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

from django.db import connections

# How long a thread may keep the GIL while another waits for it, during a job.
SWITCH_INTERVAL = 0.0005


class Background:
    def __init__(self, using: str) -> None:
        self.using = using
        self.enabled = connections[using].vendor == "postgresql"
        self._thread: threading.Thread | None = None
        self._switch_interval = sys.getswitchinterval()
        self._error: BaseException | None = None

    def run(self, job: Callable[[], None]) -> None:
        """Start ``job`` once the previous one is done."""
        self.wait()
        if not self.enabled:
            job()
            return
        connection = connections[self.using]
        connection.inc_thread_sharing()

        def target() -> None:
            # This thread's handle on the database is the loading thread's connection.
            connections[self.using] = connection
            try:
                job()
            except BaseException as exc:  # raised again in the loading thread
                self._error = exc

        self._thread = threading.Thread(target=target, name="import-records-writer")
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread.start()

    def wait(self) -> None:
        """Let the running job finish; raise its error, if it had one."""
        error = self.join()
        if error is not None:
            raise error

    def join(self) -> BaseException | None:
        """Let the running job finish, and return its error instead of raising it
        (for a caller already unwinding from an error of its own)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            sys.setswitchinterval(self._switch_interval)
            connections[self.using].dec_thread_sharing()
        error, self._error = self._error, None
        return error
