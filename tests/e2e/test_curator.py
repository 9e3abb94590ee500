"""A curator records what a source says, in the admin.

These flows write, so the module has a server and a database of its own.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.camera import Camera
from tests.e2e.server import CURATOR, CURATOR_PASSWORD, Server

ARTICLE = "Russia’s drone strike on Kyiv and the international response"


@pytest.fixture
def server(fresh_server: Server) -> Server:
    return fresh_server


def log_in(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/admin/")
    page.get_by_label("Username").fill(CURATOR)
    page.get_by_label("Password").fill(CURATOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def choose(page: Page, field: str, typed: str, option: str) -> None:
    """Pick a record in one of the admin's autocomplete widgets, by typing as a person would."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-container--open .select2-results__option", has_text=option).click()


def test_a_curator_adds_a_position_with_the_actor_autocomplete(
    server: Server, page: Page, camera: Camera
) -> None:
    log_in(page, server)
    page.get_by_role("link", name="Positions").first.click()
    page.get_by_role("link", name="Add position").click()

    choose(page, "actor", "United", "United States")
    choose(page, "event", "Kyiv", "Russian drone strike on Kyiv")
    page.get_by_label("Stance").select_option(label="Condemn")
    page.get_by_label("CAMEO code").fill("111")
    page.get_by_label("Summary").fill("Condemns the drone strike on Kyiv.")
    choose(page, "sources", "drone strike", ARTICLE)
    camera.step(page, "the-new-position")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text(
        "United States: condemn (Russian drone strike on Kyiv)” was added successfully"
    )
    # The list's filters narrow it to the new position: the actor by its slug.
    sidebar = page.locator("#changelist-filter")
    sidebar.locator('input[name="actor"]').fill("united-states")
    sidebar.locator('input[name="actor"]').press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]actor=united-states"))
    sidebar.get_by_role("link", name="Condemn").click()
    expect(page).to_have_url(re.compile(r"stance__exact=condemn"))
    expect(page).to_have_url(re.compile(r"actor=united-states"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("United States")
    expect(rows.first).to_contain_text("Russian drone strike on Kyiv")
    camera.step(page, "the-filtered-list")


def test_a_curator_moves_the_eu_measure_and_sees_it_in_its_history(
    server: Server, page: Page, camera: Camera
) -> None:
    log_in(page, server)
    page.get_by_role("link", name="Measures").first.click()
    page.get_by_role("link", name="European Union: sanctions on Russia").click()
    expect(page.locator(".field-status .readonly")).to_have_text("Threatened")
    page.get_by_role("link", name="Change status").click()
    expect(page).to_have_url(re.compile(r"/admin/responses/measure/\d+/transition/$"))

    # A second tab, opened now and used after the move: a colleague's stale page.
    stale = page.context.new_page()
    stale.goto(page.url)

    page.get_by_label("New status").select_option(label="Proposed")
    page.get_by_label("Date").fill("2026-05-01")
    choose(page, "source", "drone strike", ARTICLE)
    page.get_by_label("Note").fill("Proposed to the Council.")
    camera.step(page, "the-transition")
    page.get_by_role("button", name="Record status change").click()

    expect(page.locator(".messagelist")).to_contain_text("Moved from Threatened to Proposed.")
    expect(page.locator(".field-status .readonly")).to_have_text("Proposed")
    history = page.locator(".inline-group", has_text="Status history")
    rows = history.locator("tbody tr.has_original")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Threatened")
    expect(rows.first).to_contain_text("Proposed")
    expect(rows.first).to_contain_text("May 1, 2026")
    expect(rows.first).to_contain_text("Proposed to the Council.")
    expect(rows.first).to_contain_text(CURATOR)
    camera.readme(page, "admin-measure")

    # The stale tab still offers "Proposed", which is no longer a legal move.
    stale.get_by_label("New status").select_option(label="Proposed")
    choose(stale, "source", "drone strike", ARTICLE)
    stale.get_by_role("button", name="Record status change").click()
    expect(stale.locator(".errornote")).to_contain_text("Please correct the error below.")
    expect(stale.locator(".errorlist")).to_contain_text(
        "Cannot move from proposed to proposed. From proposed a measure can move to: "
        "adopted, in_force, withdrawn, lapsed."
    )
    camera.step(stale, "the-refused-transition")

    page.reload()
    expect(rows).to_have_count(1)


def test_a_curator_subscribes_a_service_to_new_sanctions_in_the_admin(
    server: Server, page: Page, camera: Camera
) -> None:
    log_in(page, server)
    page.get_by_role("link", name="Subscriptions").click()
    page.get_by_role("link", name="Add subscription").click()
    page.get_by_label("Target url").fill("http://127.0.0.1:9/hooks/sanctions")
    page.locator(".field-resources").get_by_label("measures").check()
    page.locator(".field-actions").get_by_label("Created").check()
    page.get_by_label("Filters").fill("kind=nonsense")
    page.get_by_role("button", name="Save", exact=True).click()
    # The API's rules: a filter the measures list would refuse is refused here.
    expect(page.locator(".errorlist")).to_contain_text("kind")
    page.get_by_label("Filters").fill("kind=sanctions")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("shown this once: whsec_")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("http://127.0.0.1:9/hooks/sanctions")
    expect(rows.first).to_contain_text("Active")
    camera.step(page, "the-new-subscription")
