"""The pages for analysts, read through HTTP as a browser reads them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from actors.choices import ActorKind
from pages import event as event_page
from responses.choices import MeasureStatus, Stance
from tests.factories import (
    make_actor,
    make_event,
    make_measure,
    make_membership,
    make_position,
    make_source,
    make_status_change,
)

pytestmark = pytest.mark.django_db

# What a page may load from elsewhere: nothing. Links to the data's sources are fine.
EXTERNAL_LOADS = re.compile(
    r"<script|<(?:link|img|iframe|source|video|audio)\b[^>]*(?:href|src)=\"(?:https?:)?//"
    r"|@import|url\(\s*['\"]?(?:https?:)?//",
    re.IGNORECASE,
)


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def assert_self_contained(html: str) -> None:
    assert not EXTERNAL_LOADS.search(html)
    assert '<meta name="viewport"' in html


def test_a_page_may_load_nothing_from_elsewhere(client: Client, strike: Any) -> None:
    for url in ("/events/kyiv-drone-strike/", "/actors/russia/", "/follow-through/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "style-src 'self' 'unsafe-inline'" in policy
        assert "script-src" not in policy


@pytest.fixture
def strike() -> Any:
    """A strike on Ukraine by Russia, with the UN's and the EU's responses."""
    russia = make_actor(slug="russia", name="Russia")
    ukraine = make_actor(slug="ukraine", name="Ukraine")
    un = make_actor(
        slug="united-nations", name="United Nations", kind=ActorKind.INTERNATIONAL_ORGANIZATION
    )
    eu = make_actor(
        slug="european-union", name="European Union", kind=ActorKind.SUPRANATIONAL_UNION
    )
    article = make_source(title="The strike and the response", url="https://news.example/strike")
    event = make_event(
        slug="kyiv-drone-strike",
        title="Drone strike on Kyiv",
        initiator=russia,
        target=ukraine,
        sources=[article],
    )
    make_position(
        actor=un,
        event=event,
        stance=Stance.URGE_CEASEFIRE,
        summary="Urges a ceasefire.",
        quote="We call for an immediate ceasefire.",
        sources=[article],
    )
    threat = make_position(
        actor=eu, event=event, stance=Stance.THREATEN, summary="Threatens more sanctions."
    )
    make_measure(
        actor=eu,
        target=russia,
        event=event,
        position=threat,
        condition="if such hostile actions continue",
    )
    return event


def test_the_event_page_shows_the_event_and_who_said_what(client: Client, strike: Any) -> None:
    html = page(client, "/events/kyiv-drone-strike/")
    assert "<h1>Drone strike on Kyiv</h1>" in html
    assert 'href="/actors/russia/">Russia</a>' in html
    assert 'href="/actors/ukraine/">Ukraine</a>' in html
    assert "“We call for an immediate ceasefire.”" in html
    assert "Threatens more sanctions." in html
    assert '<a href="https://news.example/strike" rel="external noopener noreferrer">' in html
    assert '<th scope="col">Urge ceasefire</th>' in html
    assert '<th scope="col">Threaten</th>' in html
    # Columns only for the stances someone took.
    assert '<th scope="col">Justify</th>' not in html
    assert "<caption>" in html
    assert "if such hostile actions continue" in html
    assert "Threatened" in html
    assert_self_contained(html)


def test_a_busy_cell_quotes_a_few_positions_and_links_to_all_of_them(
    client: Client, strike: Any
) -> None:
    un = strike.positions.get(stance=Stance.URGE_CEASEFIRE).actor
    for number in range(4):
        make_position(
            actor=un, event=strike, stance=Stance.URGE_CEASEFIRE, quote=f"Appeal number {number}."
        )
    html = page(client, "/events/kyiv-drone-strike/")
    assert html.count("Appeal number") == event_page.QUOTES_PER_CELL - 1
    assert (
        '<a class="more" href="/api/v1/positions/?event=kyiv-drone-strike&amp;'
        'actor=united-nations&amp;stance=urge_ceasefire">See all 5</a>'
    ) in html
    listed = client.get(
        "/api/v1/positions/?event=kyiv-drone-strike&actor=united-nations&stance=urge_ceasefire"
    )
    assert listed.status_code == 200
    assert listed.json()["count"] == 5


def test_the_matrix_lists_the_busiest_actors_and_counts_every_one(
    client: Client, strike: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(event_page, "MATRIX_ACTORS", 1)
    un = strike.positions.get(stance=Stance.URGE_CEASEFIRE).actor
    make_position(actor=un, event=strike, stance=Stance.CALL_FOR_TALKS)
    html = page(client, "/events/kyiv-drone-strike/")
    assert "the 1 actors with most positions (of 2)" in html
    assert 'href="/actors/united-nations/">United Nations</a><span class="note">2 positions' in html
    assert '<a href="/actors/european-union/">European Union</a><span' not in html
    assert "3 positions by 2 actors." in html


def test_the_event_page_makes_as_many_queries_for_one_position_as_for_many(
    client: Client, strike: Any, django_assert_num_queries: Any
) -> None:
    # The event; its sources; its participants; the matrix; the quoted
    # positions and their sources; the measures by status; the latest
    # measures and their sources.
    with django_assert_num_queries(9):
        page(client, "/events/kyiv-drone-strike/")
    for number in range(30):
        actor = make_actor(name=f"Speaker {number}")
        for stance in (Stance.CONDEMN, Stance.CRITICIZE, Stance.CONDEMN):
            make_position(actor=actor, event=strike, stance=stance)
        make_measure(actor=actor, target=strike.initiator, event=strike)
    with django_assert_num_queries(9):
        page(client, "/events/kyiv-drone-strike/")


def test_an_unknown_event_or_actor_is_a_404_page(client: Client, db: None) -> None:
    assert "No event has this slug." in page(client, "/events/no-such-event/", 404)
    assert "No actor has this slug." in page(client, "/actors/no-such-actor/", 404)


def test_the_actor_page_shows_the_actor_its_positions_and_its_measures_lifecycle(
    client: Client, strike: Any
) -> None:
    eu = strike.positions.get(stance=Stance.THREATEN).actor
    nato = make_actor(slug="nato", name="NATO", kind=ActorKind.MILITARY_ALLIANCE)
    make_membership(member=eu, organization=nato, ended_on="2020-05-01")
    make_status_change(measure=eu.measures.get(), to=MeasureStatus.PROPOSED)
    html = page(client, "/actors/european-union/")
    assert "<h1>European Union" in html
    assert "Supranational union" in html
    assert 'href="/actors/nato/">NATO</a> (–1 May 2020)' in html
    assert "Threatens more sanctions." in html or "Threaten" in html
    lifecycle = re.search(r'<ol class="lifecycle">(.*?)</ol>', html, re.DOTALL)
    assert lifecycle is not None
    assert re.findall(r'class="status status-(\w+)"', lifecycle.group(1)) == [
        "threatened",
        "proposed",
    ]
    assert 'href="/api/v1/positions/?actor=european-union"' in html
    assert 'href="/api/v1/measures/?actor=european-union"' in html
    assert_self_contained(html)


def test_the_actor_page_makes_as_many_queries_for_one_position_as_for_many(
    client: Client, strike: Any, django_assert_num_queries: Any
) -> None:
    eu = strike.positions.get(stance=Stance.THREATEN).actor
    make_position(
        actor=eu,
        event=strike,
        stance=Stance.CONDEMN,
        stated_on="2025-01-01",
        stated_on_precision="day",
    )
    # The actor; its memberships; its members; positions by stance; the
    # latest positions and their sources; the chart's stances and its counts;
    # measures by status; the ids of the latest measures, then those
    # measures, their status changes and their sources.
    with django_assert_num_queries(13):
        page(client, "/actors/european-union/")
    for _ in range(15):
        make_position(
            actor=eu,
            event=make_event(),
            stance=Stance.CONDEMN,
            stated_on="2025-01-02",
            stated_on_precision="day",
        )
        make_status_change(measure=make_measure(actor=eu), to=MeasureStatus.PROPOSED)
        make_membership(member=eu)
    with django_assert_num_queries(13):
        page(client, "/actors/european-union/")


def test_the_follow_through_page_charts_and_tables_the_apis_numbers(
    client: Client, strike: Any
) -> None:
    html = page(client, "/follow-through/")
    api = client.get("/api/v1/stats/follow-through/?limit=10&offset=0").json()
    row = api["results"][0]
    assert row["actor"]["slug"] == "european-union"
    assert 'href="/actors/european-union/">European Union</a>' in html
    assert f'<td class="num">{row["threats"]}</td>' in html
    svg = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert 'viewBox="' in svg.group(0)
    assert re.search(r'<svg[^>]*\swidth="', svg.group(0)) is None
    assert "European Union" in svg.group(0)  # text stays text
    assert "<image" not in svg.group(0)
    assert_self_contained(html)


def test_the_follow_through_page_makes_as_many_queries_for_one_actor_as_for_many(
    client: Client, strike: Any, django_assert_num_queries: Any
) -> None:
    # The API's five: the number of actors, one page of them, their measures
    # by status, the changes to adoption, the threats.
    with django_assert_num_queries(5):
        page(client, "/follow-through/")
    for _ in range(25):
        make_status_change(measure=make_measure(), to=MeasureStatus.PROPOSED)
    with django_assert_num_queries(5):
        assert "Actors 1–10 of 26" in page(client, "/follow-through/")


def test_the_follow_through_page_takes_the_apis_filters(client: Client, strike: Any) -> None:
    html = page(client, "/follow-through/?actor_kind=state")
    assert "No measure matches these filters." in html
    html = page(client, "/follow-through/?actor_kind=supranational_union")
    assert "European Union" in html
    assert "Select a valid choice" in page(client, "/follow-through/?actor_kind=planet", 400)


def test_every_chart_links_its_data_as_csv(client: Client, strike: Any) -> None:
    eu = strike.positions.get(stance=Stance.THREATEN).actor
    for month in (1, 3):
        make_position(
            actor=eu,
            event=strike,
            stance=Stance.CONDEMN,
            stated_on=f"2025-0{month}-10",
            stated_on_precision="day",
        )
    for url in ("/follow-through/?actor_kind=supranational_union", "/actors/european-union/"):
        html = page(client, url)
        links = re.findall(
            r'<a class="download" href="([^"]+)">Download the data \(CSV\)</a>', html
        )
        assert len(links) == 1
        response = client.get(links[0].replace("&amp;", "&"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")


def test_the_actor_chart_shows_positions_per_month_as_the_api_counts_them(
    client: Client, strike: Any
) -> None:
    eu = strike.positions.get(stance=Stance.THREATEN).actor
    for month, stance in ((1, Stance.CONDEMN), (1, Stance.CONDEMN), (3, Stance.CRITICIZE)):
        make_position(
            actor=eu,
            event=strike,
            stance=stance,
            stated_on=f"2025-0{month}-10",
            stated_on_precision="day",
        )
    html = page(client, "/actors/european-union/")
    svg = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert "Condemn" in svg.group(0)
    table = re.search(r"Positions per month by stance</caption>(.*?)</table>", html, re.DOTALL)
    assert table is not None
    months = re.findall(
        r'<th scope="row">(\d{4}-\d{2})</th>((?:<td class="num">\d+</td>)+)', table.group(1)
    )
    shown = {month: [int(n) for n in re.findall(r"\d+", cells)] for month, cells in months}
    assert shown == {"2025-01": [2, 0], "2025-02": [0, 0], "2025-03": [0, 1]}
    link = re.search(r'<a class="download" href="([^"]+)">', html)
    assert link is not None
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(link.group(1).replace("&amp;", "&")).content.decode())
        )
    )
    assert {(row["period"][:7], row["stance"]): int(row["count"]) for row in rows} == {
        ("2025-01", "condemn"): 2,
        ("2025-01", "criticize"): 0,
        ("2025-02", "condemn"): 0,
        ("2025-02", "criticize"): 0,
        ("2025-03", "condemn"): 0,
        ("2025-03", "criticize"): 1,
    }


def test_the_pages_link_each_other_the_api_and_the_admin(client: Client, strike: Any) -> None:
    html = page(client, "/events/kyiv-drone-strike/")
    for link in ("/follow-through/", "/api/v1/", "/api/docs/", "/api/redoc/", "/admin/"):
        assert f'href="{link}"' in html
    assert "International response tracker" in html
    assert 'href="/static/pages/pages.css"' in html
    assert client.get("/static/pages/pages.css").status_code == 200


def test_the_admin_views_events_and_actors_on_their_pages(
    client: Client, strike: Any, admin_user: Any
) -> None:
    client.force_login(admin_user)
    for record, page_url in (
        (strike, "/events/kyiv-drone-strike/"),
        (strike.initiator, "/actors/russia/"),
    ):
        change = client.get(
            f"/admin/{record._meta.app_label}/{record._meta.model_name}/{record.pk}/change/"
        )
        link = re.search(
            r'href="(/admin/r/\d+/\d+/)" class="viewsitelink"', change.content.decode()
        )
        assert link is not None
        assert client.get(link.group(1))["Location"].endswith(page_url)


def test_the_browsable_api_links_the_pages(client: Client, strike: Any) -> None:
    browsable = client.get("/api/v1/events/kyiv-drone-strike/", HTTP_ACCEPT="text/html")
    assert b'href="/follow-through/">Pages for analysts</a>' in browsable.content
    # A record that has a page links it.
    assert b'<a href="/events/kyiv-drone-strike/">Its page' in browsable.content
    actor = client.get("/api/v1/actors/european-union/", HTTP_ACCEPT="text/html")
    assert b'<a href="/actors/european-union/">Its page' in actor.content
    listing = client.get("/api/v1/events/", HTTP_ACCEPT="text/html")
    assert b"Its page" not in listing.content


@pytest.fixture
def page_cache(settings: Any) -> Iterator[None]:
    """The response cache on, as with a shared cache (here in local memory, emptied after)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.API_CACHE_SECONDS = 60
    yield
    caches["default"].clear()


def test_with_a_shared_cache_a_page_is_cached_and_validated_until_a_write(
    client: Client,
    strike: Any,
    page_cache: None,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = client.get("/events/kyiv-drone-strike/")
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = client.get("/events/kyiv-drone-strike/")
        unchanged = client.get("/events/kyiv-drone-strike/", HTTP_IF_NONE_MATCH=etag)
    assert again.content == first.content
    assert unchanged.status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        make_position(
            actor=strike.initiator, event=strike, stance=Stance.JUSTIFY, summary="Justifies it."
        )
    changed = client.get("/events/kyiv-drone-strike/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Justifies it." in changed.content.decode()
