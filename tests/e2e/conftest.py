"""Fixtures for the browser suite: the production server, Chromium, a page watch, a camera.

Run it with ``make e2e`` (which installs Chromium where it is missing).
Screenshots go to build/e2e-screenshots/: always for a failed test, for every
step with ``--screenshots=all``; ``--readme-screenshots`` also refreshes the
pictures in docs/screenshots/ that the README and the pages in docs/ show.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, PageWatch
from tests.e2e.camera import Camera, safe_name
from tests.e2e.server import REPOSITORY, Server, start_server

README_SCREENSHOTS = REPOSITORY / "docs" / "screenshots"
# Tests whose failure report already shows the browser's problems.
watch_failed: set[str] = set()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("e2e", "browser suite")
    group.addoption(
        "--screenshots",
        choices=("failures", "all"),
        default="failures",
        help="Take screenshots of failed tests only (default), or of every step too.",
    )
    group.addoption(
        "--screenshot-dir",
        type=Path,
        default=REPOSITORY / "build" / "e2e-screenshots",
        help="Where screenshots go (default build/e2e-screenshots).",
    )
    group.addoption(
        "--readme-screenshots",
        action="store_true",
        help=f"Also refresh the docs' pictures in {README_SCREENSHOTS.relative_to(REPOSITORY)}.",
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """When a test fails, photograph every page it had open and list what the browser saw."""
    report = yield
    if report.when == "call" and report.failed and isinstance(item, pytest.Function):
        context = item.funcargs.get("context")
        if isinstance(context, BrowserContext):
            report.sections.append(("screenshots", _photograph(item, context)))
        watch = item.funcargs.get("watch")
        if isinstance(watch, PageWatch) and watch.problems:
            report.sections.append(("browser problems", "\n".join(watch.problems)))
            watch_failed.add(item.nodeid)
    return report


def _photograph(item: pytest.Item, context: BrowserContext) -> str:
    directory: Path = item.config.getoption("--screenshot-dir")
    directory.mkdir(parents=True, exist_ok=True)
    shots = []
    for number, page in enumerate(context.pages, start=1):
        path = directory / f"{safe_name(item.name)}-failure-{number}.png"
        page.screenshot(path=path, full_page=True)
        shots.append(f"{path} ({page.url})")
    return "\n".join(shots)


# The server and the browser.


@pytest.fixture(scope="session")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Collected once, shared by every server of the run."""
    return tmp_path_factory.mktemp("static")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, static_root: Path) -> Iterator[Server]:
    """The production server with the seed scenario, for the flows that only read."""
    running = start_server(tmp_path_factory.mktemp("server"), static_root)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory, static_root: Path) -> Iterator[Server]:
    """A server of the module's own, with the seed scenario, for flows that change data."""
    running = start_server(tmp_path_factory.mktemp("fresh-server"), static_root)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: `make e2e` installs Debian's package "
            "(apt-get install chromium).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


# What each test gets: a fresh browser context with a watch and a camera.


@pytest.fixture
def camera(request: pytest.FixtureRequest) -> Camera:
    config = request.config
    return Camera(
        directory=config.getoption("--screenshot-dir") / safe_name(request.node.name),
        every_step=config.getoption("--screenshots") == "all",
        readme_directory=README_SCREENSHOTS if config.getoption("--readme-screenshots") else None,
    )


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def context(
    browser: Browser, watch: PageWatch, request: pytest.FixtureRequest
) -> Iterator[BrowserContext]:
    """A fresh browser profile; any script error or failed load in it fails the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(15_000)
    context.on("page", watch.attach)
    yield context
    if watch.problems and request.node.nodeid not in watch_failed:
        shots = _photograph(request.node, context)
        context.close()
        pytest.fail(
            "The browser saw problems:\n"
            + "\n".join(f"  {line}" for line in watch.problems)
            + f"\nScreenshots:\n  {shots}",
            pytrace=False,
        )
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
