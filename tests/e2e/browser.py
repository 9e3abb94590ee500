"""Debian's Chromium under Playwright, and a watch on what each page logs and loads."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Request, Response, ViewportSize

# Playwright's own browser downloads are not used: Debian's package is.
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root in CI, where the sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-quic",
    # Without these Chromium calls Google's services at start and in the
    # background; the machine has no internet, and the calls only add noise.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1200, "height": 760}


@dataclass
class PageWatch:
    """Everything a person would see go wrong: script errors, failed loads.

    A console error, an uncaught exception, a request that failed (other
    than one the page cancelled) and any answer of 400 or more count as
    problems, whichever page or tab they happen in.
    """

    problems: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught {error!r}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error at {where}: {message.text}")

    def _request_failed(self, request: Request) -> None:
        # The page itself cancelled it: an autocomplete drops its previous
        # search when the curator types on. A missing file still shows up as
        # its 404, and a server that is down as a refused connection.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"{request.method} {request.url} failed: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")
