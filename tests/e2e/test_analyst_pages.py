"""An analyst reads the pages: the strike's responses, a source, a facet, an actor's chart."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.camera import Camera
from tests.e2e.server import Server

STATEMENT_URL = "https://statements.example/eu-on-the-kyiv-strike"

# What the seed's article does not give: the EU's statement on the strike, with
# its address, and the EU's positions on Russia in the months before and after,
# dated, so its page has a record to chart.
_FOLLOW_UP = f"""
import datetime
from actors.models import Actor
from responses.models import Event, Position, Source

eu = Actor.objects.get(slug="european-union")
russia = Actor.objects.get(slug="russia")
statement = Source.objects.create(
    kind="official_statement",
    title="Statement by the High Representative on the strike on Kyiv",
    publisher="European Union",
    url={STATEMENT_URL!r},
)
Position.objects.get(actor=eu, event__slug="kyiv-drone-strike", stance="threaten").sources.add(
    statement
)
months = [(1, "condemn"), (2, "condemn"), (3, "threaten"), (3, "condemn"), (5, "call_for_talks")]
for month, stance in months:
    position = Position.objects.create(
        actor=eu,
        target=russia,
        stance=stance,
        stated_on=datetime.date(2026, month, 10),
        stated_on_precision="day",
        summary="The EU on Russia's strikes.",
    )
    position.sources.add(statement)
"""


@pytest.fixture(scope="module")
def story(fresh_server: Server) -> Server:
    fresh_server.manage("shell", "-c", _FOLLOW_UP)
    return fresh_server


def test_an_analyst_reads_the_strike_follows_a_source_and_charts_the_eu(
    story: Server, page: Page, camera: Camera
) -> None:
    page.goto(f"{story.url}/events/kyiv-drone-strike/")
    expect(
        page.get_by_role("heading", name="Russian drone strike on Kyiv", level=1)
    ).to_be_visible()

    # Who said what: the EU's row of the matrix holds its threat, with its source.
    matrix = page.locator("table.matrix")
    eu = matrix.locator("tr", has=page.get_by_role("link", name="European Union", exact=True))
    expect(eu).to_contain_text("additional sanctions on Russia")
    # The matrix at the top of the picture: it is what the page is for.
    matrix.evaluate("table => table.scrollIntoView()")
    camera.readme(page, "event-page")

    # Following the source leaves the tracker for the statement itself.
    def statement(route: Route) -> None:
        route.fulfill(content_type="text/html", body="<title>EU statement</title><p>Statement")

    page.route(STATEMENT_URL, statement)
    eu.get_by_role("link", name=re.compile("Statement by the High Representative")).click()
    expect(page).to_have_url(STATEMENT_URL)
    page.go_back()

    # From the page to the list behind it, narrowed by a facet.
    page.get_by_role("link", name="All positions").click()
    expect(page).to_have_url(re.compile(r"/api/v1/positions/\?.*event=kyiv-drone-strike"))
    page.locator('[data-facet="stance"]').get_by_role("link", name="Threaten").click()
    expect(page).to_have_url(re.compile(r"[?&]stance=threaten(&|$)"))
    expect(page.locator(".response-info")).to_contain_text('"count": 1')
    camera.step(page, "the-threats-about-the-strike")

    # The EU's page: its positions per month by stance, as a chart.
    page.go_back()
    page.go_back()
    eu.get_by_role("link", name="European Union", exact=True).click()
    expect(page).to_have_url(f"{story.url}/actors/european-union/")
    chart = page.locator("figure.chart svg")
    expect(chart).to_be_visible()
    camera.readme(page, "actor-chart")

    # The CSV behind the chart has the chart's numbers.
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the data (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(downloading.value.path()).read_text())))
    assert list(rows[0]) == ["period", "stance", "count"]
    march = {row["stance"]: int(row["count"]) for row in rows if row["period"] == "2026-03-01"}
    assert march["threaten"] == 1
    assert march["condemn"] == 1


def test_an_analyst_compares_threats_with_what_was_carried_out(
    story: Server, page: Page, camera: Camera
) -> None:
    page.goto(f"{story.url}/events/kyiv-drone-strike/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Follow-through").click()

    expect(page).to_have_url(f"{story.url}/follow-through/")
    expect(page.locator("figure.chart svg")).to_be_visible()
    expect(page.locator("main")).to_contain_text("European Union")
    camera.readme(page, "follow-through-chart")
