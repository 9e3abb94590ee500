"""The admin lists of the large tables: search, the year filter, counts.

The same tests run on SQLite and PostgreSQL; where the databases search
differently (PostgreSQL reads every word of a record), the test says so.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responses.admin import events as events_admin
from responses.choices import MeasureStatus
from responses.models import Event, Measure, MeasureStatusChange, Position, Source
from tests.factories import make_actor, make_event, make_measure, make_position, make_source
from tracker import search

pytestmark = pytest.mark.django_db

POSTGRES = connection.vendor == "postgresql"


def changelist(model: type[Any]) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def listed(client: Client, model: type[Any], **query: Any) -> list[Any]:
    response = client.get(changelist(model), query)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


class TestSearchingPositions:
    def test_the_actors_name_finds_its_positions(self, admin_client: Client) -> None:
        ukraine = make_position(actor=make_actor(name="Ukraine"))
        make_position(actor=make_actor(name="Russia"))

        assert listed(admin_client, Position, q="ukraine") == [ukraine]

    def test_the_events_title_and_the_targets_name_find_positions(
        self, admin_client: Client
    ) -> None:
        about_kyiv = make_position(event=make_event(title="Drone strike on Kyiv"))
        at_moldova = make_position(event=None, target=make_actor(name="Moldova"))
        make_position(event=make_event(title="Talks in Geneva"))

        assert listed(admin_client, Position, q="kyiv") == [about_kyiv]
        assert listed(admin_client, Position, q="moldova") == [at_moldova]

    def test_many_matching_actors_are_found_as_well_as_a_few(
        self, admin_client: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Past LISTED_IDS matching actors, the search names them by a subquery.
        first = make_position(actor=make_actor(name="Ukraine"))
        second = make_position(actor=make_actor(name="Ukraine (government)"))
        make_position(actor=make_actor(name="Russia"))
        monkeypatch.setattr(search, "LISTED_IDS", 1)

        assert set(listed(admin_client, Position, q="ukraine")) == {first, second}

    def test_no_matching_name_finds_nothing(self, admin_client: Client) -> None:
        make_position(actor=make_actor(name="Ukraine"))

        assert listed(admin_client, Position, q="atlantis") == []

    def test_every_word_typed_must_match(self, admin_client: Client) -> None:
        eu = make_actor(name="European Union", short_name="EU")
        both = make_position(actor=eu, event=make_event(title="Drone strike on Kyiv"))
        make_position(actor=eu, event=make_event(title="Talks in Geneva"))

        assert listed(admin_client, Position, q="european kyiv") == [both]

    @pytest.mark.skipif(not POSTGRES, reason="summaries are searched through PostgreSQL's vector")
    def test_on_postgresql_a_word_of_the_summary_finds_it(self, admin_client: Client) -> None:
        found = make_position(summary="Calls the blackout in Kharkiv a war crime.")
        make_position(summary="Urges talks.")

        assert listed(admin_client, Position, q="blackout") == [found]


class TestSearchingOtherLists:
    def test_an_event_is_found_by_the_place_in_its_title(self, admin_client: Client) -> None:
        kyiv = make_event(title="Drone strike on Kyiv", location="Kyiv")
        make_event(title="Talks in Geneva", location="Geneva")

        assert listed(admin_client, Event, q="Kyiv") == [kyiv]

    def test_a_measure_is_found_by_its_actors_name(self, admin_client: Client) -> None:
        sanctions = make_measure(actor=make_actor(name="European Union"))
        make_measure(actor=make_actor(name="Canada"))

        assert listed(admin_client, Measure, q="union") == [sanctions]

    def test_a_source_is_found_by_its_publisher(self, admin_client: Client) -> None:
        reuters = make_source(title="Strike report", publisher="Reuters")
        make_source(title="Other report", publisher="AP")

        assert listed(admin_client, Source, q="reuters") == [reuters]

    def test_a_status_change_is_found_through_its_measures_actor(
        self, admin_client: Client
    ) -> None:
        measure = make_measure(actor=make_actor(name="European Union"))
        make_measure(actor=make_actor(name="Canada"))
        MeasureStatusChange.objects.create(
            measure=measure,
            from_status=MeasureStatus.THREATENED,
            to_status=MeasureStatus.PROPOSED,
            source=make_source(),
        )

        assert [
            change.measure for change in listed(admin_client, MeasureStatusChange, q="union")
        ] == [measure]

    def test_the_autocomplete_matches_what_is_typed_so_far(self, admin_client: Client) -> None:
        # Unlike the list's search, a half-typed word must match (on PostgreSQL
        # too, where the list searches whole words).
        position = make_position(actor=make_actor(name="Ukraine"))

        response = admin_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "responses",
                "model_name": "measure",
                "field_name": "position",
                "term": "ukr",
            },
        )

        assert [result["id"] for result in response.json()["results"]] == [str(position.pk)]


class TestABusyEventsPage:
    def test_it_links_to_its_positions_instead_of_listing_them(
        self, admin_client: Client, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(events_admin, "INLINE_ROWS", 2)
        busy = make_event(slug="busy")
        for _ in range(3):
            make_position(event=busy)
        make_measure(event=busy)

        response = admin_client.get(reverse("admin:responses_event_change", args=[busy.pk]))

        prefixes = {inline.formset.prefix for inline in response.context["inline_admin_formsets"]}
        assert "positions" not in prefixes
        assert "measures" in prefixes
        assert f"{changelist(Position)}?event=busy" in response.content.decode()

    def test_the_linked_list_holds_the_events_positions(self, admin_client: Client) -> None:
        busy = make_event(slug="busy")
        mine = make_position(event=busy)
        make_position(event=make_event())

        assert listed(admin_client, Position, event="busy") == [mine]


class TestYearFilter:
    def test_it_narrows_positions_to_a_year_as_the_date_hierarchy_did(
        self, admin_client: Client
    ) -> None:
        recent = make_position(stated_on=datetime.date(2025, 4, 24), stated_on_precision="day")
        make_position(stated_on=datetime.date(2022, 2, 24), stated_on_precision="day")

        assert listed(admin_client, Position, stated_on__year=2025) == [recent]

    def test_it_offers_every_year_from_the_last_to_the_first(self, admin_client: Client) -> None:
        make_event(occurred_on=datetime.date(2022, 2, 24), occurred_on_precision="day")
        make_event(occurred_on=datetime.date(2025, 4, 24), occurred_on_precision="day")

        response = admin_client.get(changelist(Event))

        years = [
            choice["display"]
            for spec in response.context["cl"].filter_specs
            if "occurred_on__year" in spec.expected_parameters()
            for choice in spec.choices(response.context["cl"])
        ]
        assert years == ["All", "2025", "2024", "2023", "2022"]

    def test_it_combines_with_the_other_filters(self, admin_client: Client) -> None:
        kept = make_measure(announced_on=datetime.date(2025, 3, 1))
        make_measure(announced_on=datetime.date(2025, 3, 1), status=MeasureStatus.ADOPTED)
        make_measure(announced_on=datetime.date(2023, 3, 1))

        found = listed(
            admin_client, Measure, announced_on__year=2025, status__exact=MeasureStatus.THREATENED
        )

        assert found == [kept]


@pytest.mark.parametrize(
    ("model", "query"),
    [(Position, {}), (Position, {"q": "ukraine"}), (Position, {"stated_on__year": 2025})],
)
def test_a_lists_queries_do_not_grow_with_its_rows(
    admin_client: Client, model: type[Any], query: dict[str, Any]
) -> None:
    # Session, user, the capped count (with PostgreSQL's estimate when a
    # full-text search is counted), the page with its related records, the
    # year filter's first and last dates, the saved filters: none per row.
    ukraine = make_actor(name="Ukraine")

    def add(count: int) -> None:
        for _ in range(count):
            make_position(
                actor=ukraine, stated_on=datetime.date(2025, 1, 2), stated_on_precision="day"
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(changelist(model), query).status_code == 200
        return len(captured)

    add(2)
    queries()  # once, for the content types the saved filters cache per process
    few = queries()
    add(10)

    assert queries() == few


def test_a_later_page_holds_the_next_rows_in_the_lists_order(admin_client: Client) -> None:
    # A page is found by its keys first, then read whole (CappedCountPaginator).
    actor = make_actor(name="Ukraine")
    start = datetime.date(2020, 1, 1)
    for day in range(130):
        make_position(
            actor=actor, stated_on=start + datetime.timedelta(days=day), stated_on_precision="day"
        )
    everything = list(Position.objects.order_by("-stated_on", "id"))

    response = admin_client.get(changelist(Position), {"p": 2})

    page = response.context["cl"].result_list
    assert list(page) == everything[100:]
    assert list(response.context["cl"].paginator.page(1).object_list) == everything[:100]
