"""The production server serves a complete site: every page finds its scripts and styles.

Each page below is loaded in the browser, whose watch fails the test on any
script error or failed load. Its static files must come from the app itself
under content-hashed names, compressed, and cacheable for a year.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, Response, expect

from tests.e2e.server import Server

HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
ONE_YEAR = 365 * 24 * 3600

PAGES = {
    "/api/v1/": "Api Root",
    "/api/v1/events/kyiv-drone-strike/": "Event Instance",
    "/api/docs/": "International response tracker API",
    "/api/redoc/": "International response tracker API",
    "/admin/login/": "Django administration",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_loads_its_static_files_hashed_compressed_and_cacheable(
    server: Server, page: Page, path: str
) -> None:
    static: list[Response] = []
    page.on("response", lambda r: static.append(r) if "/static/" in r.url else None)

    page.goto(f"{server.url}{path}")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text(PAGES[path]).first).to_be_visible()

    assert static, f"{path} loaded no static file"
    for response in static:
        headers = response.all_headers()
        assert HASHED.search(response.url), f"not cache-busted: {response.url}"
        assert response.status == 200, response.url
        max_age = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
        assert max_age, f"not cacheable: {response.url}"
        assert int(max_age.group(1)) >= ONE_YEAR, f"not cacheable for long: {response.url}"
        if re.search(r"\.(css|js)$", response.url) and "content-encoding" not in headers:
            # WhiteNoise keeps a file uncompressed only when compressing gains nothing.
            assert int(headers["content-length"]) < 1024, f"not compressed: {response.url}"


def test_debug_is_off(server: Server) -> None:
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server.url}/no-such-page/", timeout=5)
    page = missing.value.read().decode()
    assert missing.value.code == 404
    assert "URLconf" not in page  # Django's debug page lists the URL patterns
