"""Screenshots of a test's steps, on demand; the documentation's pictures among them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page


def safe_name(name: str) -> str:
    """A test or step name as a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


@dataclass
class Camera:
    """Takes a test's step pictures only when asked for (``--screenshots=all``)."""

    directory: Path
    every_step: bool
    readme_directory: Path | None
    steps: int = 0

    def step(self, page: Page, name: str) -> None:
        self.steps += 1
        if self.every_step:
            self._shoot(page, self.directory / f"{self.steps:02d}-{safe_name(name)}.png")

    def readme(self, page: Page, name: str) -> None:
        """A step whose picture is also one the README and docs/ show (``--readme-screenshots``)."""
        self.step(page, name)
        if self.readme_directory is not None:
            self._shoot(page, self.readme_directory / f"{safe_name(name)}.png")

    def _shoot(self, page: Page, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Animations are finished first, so a modal is caught open, not fading in.
        page.screenshot(path=path, animations="disabled")
