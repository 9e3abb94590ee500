"""A service author tries the API in the Swagger page before writing any code."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.e2e.camera import Camera
from tests.e2e.server import Server


def test_a_service_author_lists_the_threatened_measures_from_swagger(
    server: Server, page: Page, camera: Camera
) -> None:
    page.goto(f"{server.url}/api/docs/")
    expect(page.get_by_role("heading", name="International response tracker API")).to_be_visible()
    measures_list = page.locator("#operations-measures-measures_list")
    expect(measures_list).to_be_visible()
    camera.readme(page, "swagger")

    measures_list.get_by_role("button", name="GET /api/v1/measures/", exact=False).first.click()
    measures_list.get_by_role("button", name="Try it out").click()
    measures_list.locator("tr[data-param-name='status'] select").select_option("threatened")
    camera.step(page, "try-it-out")
    measures_list.get_by_role("button", name="Execute").click()

    answer = measures_list.locator(".live-responses-table .response").first
    expect(answer.locator(".response-col_status")).to_have_text("200")
    expect(measures_list.locator(".request-url")).to_contain_text(
        "/api/v1/measures/?status=threatened"
    )
    answer.scroll_into_view_if_needed()
    camera.step(page, "the-answer")
    body = json.loads(answer.locator(".response-col_description pre").first.inner_text())
    (measure,) = body["results"]
    assert (measure["actor"]["slug"], measure["target"]["slug"]) == ("european-union", "russia")
    assert measure["kind"] == "sanctions"
    assert measure["condition"] == "if such hostile actions continue"
