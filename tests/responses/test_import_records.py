"""manage.py import_records: record types, relations, natural keys, transactions."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor, Membership
from responses.models import Change, Conflict, Event, Measure, Position, Source
from tests.responses.importing import (
    SOURCE_URL,
    WORLD,
    load,
    load_rejected,
    position,
    write_jsonl,
)

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[Any]]:
    """Every imported table, timestamps included."""
    models: list[type[Model]] = [Actor, Membership, Source, Conflict, Event, Position, Measure]
    tables: dict[str, list[Any]] = {
        model.__name__: list(model._default_manager.order_by("pk").values()) for model in models
    }
    tables["links"] = [
        list(Position.objects.order_by("pk", "sources").values_list("pk", "sources")),
        list(Event.objects.order_by("pk", "participants").values_list("pk", "participants")),
    ]
    return tables


@pytest.fixture
def world(tmp_path: Path) -> Path:
    path = write_jsonl(tmp_path, *WORLD, name="world")
    load(path)
    return path


def test_every_record_type_is_loaded_with_its_relations(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path,
        *WORLD,
        {"type": "actor", "slug": "nato", "name": "NATO", "kind": "military_alliance"},
        {"type": "actor", "slug": "zelensky", "name": "Volodymyr Zelensky", "kind": "person"},
        {"type": "actor", "slug": "putin", "name": "Vladimir Putin", "kind": "person"},
        {"type": "membership", "member": "ukraine", "organization": "nato", "ended_on": None},
        {
            "type": "conflict",
            "slug": "russia-ukraine",
            "name": "Russia–Ukraine conflict",
            "parties": ["russia", "ukraine"],
            "started_on": "2014-01-01",
            "started_on_precision": "year",
            "sources": ["article"],
        },
        {
            "type": "event",
            "slug": "call",
            "title": "A phone call",
            "kind": "diplomatic_contact",
            "conflict": "russia-ukraine",
            "participants": ["zelensky", "putin"],
            "sources": ["article"],
        },
        {
            "type": "event",
            "slug": "second-strike",
            "title": "Another strike",
            "kind": "missile_strike",
            "impacts": ["fire", "power_outage"],
            "fatalities": 3,
            "related_events": [{"relation": "follows", "event": "call"}],
            "sources": [SOURCE_URL],
        },
        position(speaker="zelensky", quote="A blatant violation.", language="uk"),
        position(
            actor="european-union",
            stance="threaten",
            cameo_code="1312",
            summary="Threatens sanctions.",
        ),
        {
            "type": "measure",
            "actor": "european-union",
            "target": "russia",
            "kind": "sanctions",
            "event": "kyiv-drone-strike",
            "announced_in": "threaten",
            "condition": "if such hostile actions continue",
            "amount": "1000000.50",
            "currency": "EUR",
            "sources": [{"title": "Russian drone strike on Kyiv", "publisher": "Example Wire"}],
        },
    )
    # A source with a URL is not found by title: that row uses the URL-less form.
    Source.objects.create(
        kind="news_article", title="Russian drone strike on Kyiv", publisher="Example Wire"
    )
    out = load(path)

    assert "positions: 2 created, 0 updated, 0 unchanged" in out
    assert Membership.objects.get().organization.slug == "nato"
    conflict = Conflict.objects.get()
    assert set(conflict.parties.values_list("slug", flat=True)) == {"russia", "ukraine"}
    assert conflict.sources.get().url == SOURCE_URL
    call = Event.objects.get(slug="call")
    assert call.conflict == conflict
    assert set(call.participants.values_list("slug", flat=True)) == {"zelensky", "putin"}
    second = Event.objects.get(slug="second-strike")
    assert second.relations.get().to_event == call
    assert (second.impacts, second.fatalities, second.injuries) == (
        ["fire", "power_outage"],
        3,
        None,
    )
    condemnation = Position.objects.get(stance="condemn")
    assert condemnation.speaker == Actor.objects.get(slug="zelensky")
    assert condemnation.sources.get().url == SOURCE_URL
    measure = Measure.objects.get()
    assert measure.position == Position.objects.get(stance="threaten")
    assert (measure.status, str(measure.amount), measure.currency) == (
        "threatened",
        "1000000.50",
        "EUR",
    )
    assert measure.sources.get().url == ""


def test_loading_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path,
        *WORLD,
        position(),
        position(actor="russia", target="ukraine", stance="justify", cameo_code="052"),
    )
    load(path)
    before, feed = snapshot(), Change.objects.count()

    out = load(path)

    assert snapshot() == before  # updated_at included
    assert Change.objects.count() == feed
    assert "positions: 0 created, 0 updated, 2 unchanged" in out
    assert "actors: 0 created, 0 updated, 3 unchanged" in out


def test_a_changed_value_updates_that_record_only(world: Path, tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, position(), position(stance="accuse", cameo_code="112")))
    untouched = Position.objects.get(stance="accuse")
    condemnation = Position.objects.get(stance="condemn")

    out = load(
        write_jsonl(
            tmp_path,
            position(summary="Condemns the strike as a blatant violation of sovereignty."),
            position(stance="accuse", cameo_code="112"),
            name="second",
        )
    )

    assert "positions: 0 created, 1 updated, 1 unchanged" in out
    condemnation_now = Position.objects.get(pk=condemnation.pk)
    assert condemnation_now.summary.startswith("Condemns the strike as a blatant")
    assert condemnation_now.updated_at > condemnation.updated_at
    assert Position.objects.get(pk=untouched.pk).updated_at == untouched.updated_at


def test_left_out_fields_keep_their_values_and_empty_ones_clear_them(
    world: Path, tmp_path: Path
) -> None:
    load(write_jsonl(tmp_path, position(quote="A blatant violation.", language="uk")))
    load(write_jsonl(tmp_path, {**position(), "quote": None}, name="clear"))
    kept = Position.objects.get()
    assert (kept.quote, kept.language, kept.summary) == ("", "uk", "Condemns the strike.")


def test_changing_the_cited_sources_is_an_update(world: Path, tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, position()))
    other = Source.objects.create(
        kind="official_statement", title="Statement", url="https://example.org/s"
    )
    out = load(write_jsonl(tmp_path, position(sources=[SOURCE_URL, other.url]), name="more"))
    assert "positions: 0 created, 1 updated, 0 unchanged" in out
    assert Position.objects.get().sources.count() == 2


def test_the_change_feed_records_what_was_created_and_updated(world: Path, tmp_path: Path) -> None:
    start = Change.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    load(write_jsonl(tmp_path, position(), {**WORLD[1], "short_name": "UA"}))
    entries = list(Change.objects.filter(pk__gt=start).values_list("resource", "key", "action"))
    created = Position.objects.get()
    assert entries == [("actors", "ukraine", "updated"), ("positions", str(created.pk), "created")]


def test_world_records_appear_in_the_change_feed(tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, *WORLD))
    assert list(Change.objects.values_list("resource", "key", "action")) == [
        ("sources", str(Source.objects.get().pk), "created"),
        ("actors", "ukraine", "created"),
        ("actors", "russia", "created"),
        ("actors", "european-union", "created"),
        ("events", "kyiv-drone-strike", "created"),
    ]


def test_imported_positions_are_found_by_the_api_search(
    world: Path, tmp_path: Path, api_client: APIClient
) -> None:
    load(
        write_jsonl(
            tmp_path,
            position(summary="Calls the strike a blatant violation of sovereignty."),
            position(
                actor="russia",
                target="ukraine",
                stance="justify",
                cameo_code="052",
                summary="Cites security concerns.",
            ),
        )
    )
    search = reverse("api:position-list")
    results = api_client.get(search, {"q": "sovereignty"}).json()["results"]
    assert [row["stance"] for row in results] == ["condemn"]
    # Found by the name of the actor too, which lives in another table.
    results = api_client.get(search, {"q": "Russia security"}).json()["results"]
    assert [row["stance"] for row in results] == ["justify"]

    # An imported rename reaches the positions that show the actor's name.
    renamed = {**WORLD[2], "name": "Russian Federation"}
    load(write_jsonl(tmp_path, renamed, name="rename"))
    results = api_client.get(search, {"q": "Federation"}).json()["results"]
    assert sorted(row["stance"] for row in results) == ["condemn", "justify"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="vectors are kept on PostgreSQL")
def test_vectors_written_on_insert_match_a_refresh(world: Path, tmp_path: Path) -> None:
    from tracker.search import refresh_search_vectors

    load(
        write_jsonl(
            tmp_path,
            {**WORLD[1], "aliases": ["Ukraina"]},
            position(quote="Never again."),
            # No target and no quote: the missing parts read as empty text.
            position(actor="european-union", target=None, stance="urge_ceasefire", cameo_code=""),
            {
                "type": "measure",
                "actor": "european-union",
                "target": "russia",
                "kind": "sanctions",
                "status": "threatened",
                "event": "kyiv-drone-strike",
                "description": "Further sanctions.",
                "sources": [SOURCE_URL],
            },
        )
    )
    searchable: list[type[Model]] = [Actor, Event, Position, Measure]
    written = {
        model: dict(model._default_manager.values_list("pk", "search_vector"))
        for model in searchable
    }
    assert all(vector for vectors in written.values() for vector in vectors.values())
    for model in searchable:
        refresh_search_vectors(model._default_manager.all())
        assert dict(model._default_manager.values_list("pk", "search_vector")) == written[model]


def test_a_rejected_row_writes_nothing_of_its_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, *WORLD, position(), position(stance="applaud"))
    out = load_rejected(path)
    assert "line 7 (position): stance: Value 'applaud' is not a valid choice." in out
    assert "rolled back: nothing of records.jsonl was written (6 valid rows discarded" in out
    assert not Actor.objects.exists()
    assert not Change.objects.exists()


def test_other_files_are_kept_when_one_is_rolled_back(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path, *WORLD, name="good")
    bad = write_jsonl(tmp_path, position(actor="ukrane"), name="bad")
    out = load_rejected(good, bad)
    assert "line 1 (position): actor: There is no actor with slug ukrane." in out
    assert Actor.objects.count() == 3
    assert "Total: 5 created, 0 updated, 0 unchanged, 1 rejected" in out


def test_in_batch_mode_a_rejected_row_rolls_back_its_batch_only(
    world: Path, tmp_path: Path
) -> None:
    rows = [
        position(stated_on=f"2024-05-{day:02}", stated_on_precision="day") for day in range(1, 7)
    ]
    rows[3]["cameo_code"] = "051"  # line 4: the second batch of two
    out = load_rejected(write_jsonl(tmp_path, *rows), batch_size=2, atomic="batch")
    assert "line 4 (position): cameo_code: CAMEO code 051 contradicts the stance condemn" in out
    assert "rolled back: the batches of lines 3-4 (1 valid row discarded)" in out
    assert "positions: 4 created" in out
    days = Position.objects.order_by("stated_on").values_list("stated_on__day", flat=True)
    assert list(days) == [1, 2, 5, 6]


def test_a_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    out = load(write_jsonl(tmp_path, *WORLD, position()), dry_run=True)
    assert "dry run, nothing written" in out
    assert "positions: 1 created" in out
    assert not Actor.objects.exists()


def test_source_keys_last_for_the_whole_run(tmp_path: Path) -> None:
    sources = write_jsonl(tmp_path, WORLD[0], name="sources")
    rest = write_jsonl(tmp_path, *WORLD[1:], position(sources=["article"]), name="rest")
    load(sources, rest)
    assert Position.objects.get().sources.get().url == SOURCE_URL


def test_a_row_may_refer_to_a_record_created_earlier_in_the_same_batch(tmp_path: Path) -> None:
    # The child comes right after its parent, so the batch is written in between.
    path = write_jsonl(
        tmp_path,
        {"type": "actor", "slug": "us", "name": "United States", "kind": "state"},
        {
            "type": "actor",
            "slug": "state-department",
            "name": "State Department",
            "kind": "government_body",
            "parent": "us",
        },
    )
    load(path, batch_size=100)
    assert Actor.objects.get(slug="state-department").parent.slug == "us"  # type: ignore[union-attr]


def test_updates_do_not_query_per_row_either(world: Path, tmp_path: Path) -> None:
    speaker = {"type": "actor", "slug": "zelensky", "name": "Volodymyr Zelensky", "kind": "person"}
    threat = position(actor="european-union", stance="threaten", cameo_code="1312")
    measure = {
        "type": "measure",
        "actor": "european-union",
        "target": "russia",
        "kind": "sanctions",
        "event": "kyiv-drone-strike",
        "announced_in": "threaten",
        "sources": [SOURCE_URL],
    }

    def queries_to_change(count: int, year: int) -> int:
        # Records whose clean() reads relations the update leaves out: a
        # position's speaker, an actor's parent, a measure's position.
        rows = [
            position(stated_on=f"{year}-01-{1 + day:02}", stated_on_precision="day")
            for day in range(count)
        ]
        ministries = [
            {"type": "actor", "slug": f"ministry-{year}-{n}", "name": "Ministry", "kind": "other"}
            for n in range(count)
        ]
        measures = [{**measure, "announced_on": f"{year}-02-{1 + day:02}"} for day in range(count)]
        first = [
            *[{**row, "speaker": "zelensky"} for row in rows],
            *[{**row, "parent": "ukraine"} for row in ministries],
            *measures,
        ]
        load(write_jsonl(tmp_path, speaker, threat, *first, name=f"first-{year}"))
        changed = [
            *[{**row, "summary": "Condemns it again."} for row in rows],
            *[{**row, "name": "Ministry of Defence"} for row in ministries],
            *[
                {k: v for k, v in row.items() if k != "announced_in"} | {"description": "More"}
                for row in measures
            ],
        ]
        path = write_jsonl(tmp_path, *changed, name=f"changed-{year}")
        with CaptureQueriesContext(connection) as queries:
            out = load(path)
        assert f"positions: 0 created, {count} updated" in out
        assert f"measures: 0 created, {count} updated" in out
        return len(queries)

    assert queries_to_change(20, 2024) == queries_to_change(2, 2025)


def test_the_work_does_not_grow_in_queries_with_the_rows(world: Path, tmp_path: Path) -> None:
    def queries_for(count: int, year: int) -> int:
        rows = [
            position(
                stated_on=f"{year}-{1 + day // 28:02}-{1 + day % 28:02}", stated_on_precision="day"
            )
            for day in range(count)
        ]
        path = write_jsonl(tmp_path, *rows, name=str(year))
        with CaptureQueriesContext(connection) as queries:
            load(path, batch_size=1000)
        return len(queries)

    # 40, not more: SQLite takes at most 999 parameters a statement, so larger
    # batches of history rows are split into several INSERTs there.
    assert queries_for(40, 2024) == queries_for(6, 2025)


def test_a_write_the_database_refuses_rolls_the_file_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DatabaseError

    from bulkload import writer

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("no space left on device")

    monkeypatch.setattr(writer, "insert_rows", refuse)
    out = load_rejected(write_jsonl(tmp_path, *WORLD, position(), name="refused"))
    # The error stops the file where it surfaced: a transaction that failed
    # cannot go on.
    assert re.search(r"The database refused lines 1-[56]: no space left on device", out)
    assert not Actor.objects.exists()

    monkeypatch.undo()  # the next load starts clean
    load(write_jsonl(tmp_path, *WORLD, name="accepted"))
    assert Actor.objects.count() == 3


def test_imported_records_get_a_history_version(tmp_path: Any) -> None:
    from django.core.management import call_command

    path = tmp_path / "actors.jsonl"
    path.write_text('{"type": "actor", "slug": "ukraine", "name": "Ukraine", "kind": "state"}\n')
    call_command("import_records", str(path), "--no-progress", stdout=io.StringIO())
    path.write_text('{"type": "actor", "slug": "ukraine", "name": "Ukraïna", "kind": "state"}\n')
    call_command("import_records", str(path), "--no-progress", stdout=io.StringIO())
    actor = Actor.objects.get(slug="ukraine")
    assert [version.history_type for version in actor.history.order_by("history_id")] == ["+", "~"]
    assert actor.history.latest().name == "Ukraïna"


def test_a_loaded_version_keeps_the_sources_it_cited(
    world: Path, tmp_path: Path, admin_user: User
) -> None:
    load(write_jsonl(tmp_path, position()))
    loaded = Position.objects.get()
    [version] = loaded.history.all()
    assert version.history_type == "+"
    assert version.history_change_reason == "Loaded by import_records"
    assert [link.source.url for link in version.sources.all()] == [SOURCE_URL]

    other = Source.objects.create(
        kind="official_statement", title="Statement", url="https://example.org/s"
    )
    load(write_jsonl(tmp_path, position(sources=[SOURCE_URL, other.url]), name="more"))
    client = APIClient()
    client.force_authenticate(admin_user)
    response = client.get(reverse("api:position-history", args=[loaded.pk]))
    newest, _loaded = response.json()["results"]
    # Only the source added by the second file is a change: the first version
    # already had the one the record was loaded with.
    [sources] = newest["changes"]
    assert sources["field"] == "sources"
    assert sources["new"] == sorted([*sources["old"], other.pk])
    assert len(sources["old"]) == 1


# Committed for real: on SQLite the foreign keys are only checked at commit.
@pytest.mark.django_db(transaction=True)
def test_a_record_deleted_during_the_load_is_refused_by_the_database(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bulkload.index import Index

    # The loader resolved the event's slug before someone deleted the event:
    # only the database's foreign key can catch it.
    gone = Event.objects.get().pk + 1000
    monkeypatch.setattr(Index, "events", property(lambda self: {"kyiv-drone-strike": gone}))
    out = load_rejected(write_jsonl(tmp_path, position(), name="late"))
    assert re.search(r"The database refused lines 1-1: .*foreign key", out, re.IGNORECASE)
    assert not Position.objects.exists()
    assert not Change.objects.filter(resource="positions").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="foreign keys checked per batch")
def test_a_dry_run_refuses_a_record_deleted_during_the_load(
    world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bulkload.index import Index

    # A dry run never commits, so the deferred foreign key would never be
    # checked: only the loader's own check after each batch can refuse the row.
    gone = Event.objects.get().pk + 1000
    monkeypatch.setattr(Index, "events", property(lambda self: {"kyiv-drone-strike": gone}))
    out = load_rejected(write_jsonl(tmp_path, position(), name="late"), dry_run=True)
    assert re.search(r"The database refused lines 1-1: .*foreign key", out, re.IGNORECASE)
    assert not Position.objects.exists()
