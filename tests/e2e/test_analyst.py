"""An analyst reads the browsable API: filters, follows links, switches to JSON."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.e2e.camera import Camera
from tests.e2e.server import Server


def test_an_analyst_finds_the_eus_threat_and_reads_the_strike_as_json(
    server: Server, page: Page, camera: Camera
) -> None:
    page.goto(f"{server.url}/api/v1/positions/")
    expect(page.get_by_role("heading", name="Position List")).to_be_visible()
    camera.step(page, "positions")

    # The filter form: the actor filter takes the actor's slug, typed.
    page.get_by_role("button", name="Filters").click()
    filters = page.locator("#filtersModal")
    expect(filters).to_have_class(re.compile(r"\bin\b"))  # shown, not just present
    filters.get_by_label("Actor:", exact=True).fill("european-union")
    camera.readme(page, "browsable-api-filters")
    filters.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"[?&]actor=european-union(&|$)"))
    listing = page.locator(".response-info")
    expect(listing).to_contain_text('"count": 1')
    expect(listing).to_contain_text('"stance": "threaten"')
    expect(listing).to_contain_text("additional sanctions on Russia")
    camera.step(page, "the-eus-threat")

    listing.get_by_role("link", name=f"{server.url}/api/v1/events/kyiv-drone-strike/").click()
    expect(page).to_have_url(f"{server.url}/api/v1/events/kyiv-drone-strike/")
    expect(page.get_by_role("heading", name="Event Instance")).to_be_visible()
    strike_page = page.locator(".response-info")
    expect(strike_page).to_contain_text('"title": "Russian drone strike on Kyiv"')
    camera.step(page, "the-strike")

    # The GET button's menu switches the page to plain JSON.
    page.locator("#get-form .dropdown-toggle").click()
    page.get_by_role("link", name="json", exact=True).click()
    expect(page).to_have_url(f"{server.url}/api/v1/events/kyiv-drone-strike/?format=json")
    strike = json.loads(page.locator("pre").inner_text())
    camera.step(page, "the-strike-as-json")
    assert strike["slug"] == "kyiv-drone-strike"
    assert strike["initiator"]["slug"] == "russia"
    assert strike["target"]["slug"] == "ukraine"
    assert strike["related_events"][0]["event"]["slug"] == "trump-putin-call"


def test_an_analyst_narrows_the_positions_by_a_facet(
    server: Server, page: Page, camera: Camera
) -> None:
    page.goto(f"{server.url}/api/v1/positions/?event=kyiv-drone-strike")
    stances = page.locator('[data-facet="stance"]')
    expect(stances).to_contain_text("Condemn")
    expect(page.locator('[data-facet="actor"]')).to_contain_text("European Union")
    camera.readme(page, "browsable-api-facets")

    stances.get_by_role("link", name="Condemn").click()

    expect(page).to_have_url(re.compile(r"[?&]stance=condemn(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]event=kyiv-drone-strike(&|$)"))
    expect(page.locator(".response-info")).to_contain_text('"count": 2')
    # The count narrowed to is marked, and its link takes the filter off again.
    selected = page.locator('[data-facet="stance"] li.selected')
    expect(selected).to_contain_text("Condemn")
    camera.step(page, "narrowed-to-condemnations")
    selected.get_by_role("link").click()
    expect(page).not_to_have_url(re.compile(r"stance="))
