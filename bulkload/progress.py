"""A one-line progress bar for terminals.

Drawn only when the output is a terminal (``TerminalProgress``); in a log
file or a pipe the import stays silent until its report. Hand-rolled because
it is a few lines, and a dependency for it would be more.
"""

from __future__ import annotations

import time

from django.core.management.base import OutputWrapper

WIDTH = 30
# Redraw at most this often: a terminal cannot show more, and writes cost time.
INTERVAL = 0.1


class TerminalProgress:
    def __init__(self, out: OutputWrapper, label: str, total: int) -> None:
        self.out = out
        self.label = label
        self.total = max(total, 1)
        self.started = time.monotonic()
        self.drawn = 0.0
        self.last = ""

    def update(self, done: int, rows: int) -> None:
        now = time.monotonic()
        if now - self.drawn < INTERVAL and done < self.total:
            return
        self.drawn = now
        share = min(done / self.total, 1.0)
        filled = int(share * WIDTH)
        elapsed = now - self.started
        rate = f"{rows / elapsed:,.0f} rows/s" if elapsed > 0 else ""
        bar = "#" * filled + "." * (WIDTH - filled)
        line = f"{self.label} [{bar}] {share:4.0%} {rows:,} rows {rate}"
        # \r returns to the start of the line; the padding wipes a longer last line.
        self.out.write("\r" + line.ljust(len(self.last)), ending="")
        self.out.flush()
        self.last = line

    def close(self) -> None:
        if self.last:
            self.out.write("\r" + " " * len(self.last) + "\r", ending="")
            self.out.flush()
