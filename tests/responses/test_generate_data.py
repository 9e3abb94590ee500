"""manage.py generate_data: valid, deterministic synthetic records on either database."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from actors.models import Actor
from responses.choices import ALLOWED_TRANSITIONS, MeasureStatus
from responses.models import Event, Measure, MeasureStatusChange, Position, Source
from tests.factories import make_actor

TINY = ["--actors", "60", "--sources", "40", "--events", "80", "--positions", "300"]
TINY += ["--measures", "120"]

# The loader drops and rebuilds indexes and vacuums: it needs real transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def generate(*extra: str) -> str:
    out = io.StringIO()
    call_command("generate_data", *TINY, *extra, stdout=out)
    return out.getvalue()


def snapshot() -> list[Any]:
    return [
        list(Actor.objects.order_by("pk").values_list("slug", "kind", "parent_id")),
        list(Position.objects.order_by("pk").values_list("actor_id", "stance", "stated_on")),
        list(Measure.objects.order_by("pk").values_list("status", "announced_on")),
    ]


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            name
            for table in tables
            if table.startswith(("actors_", "responses_"))
            for name in connection.introspection.get_constraints(cursor, table)
        }


def test_it_fills_every_table_with_the_counts_asked_for() -> None:
    generate()
    assert Actor.objects.count() == 60
    assert Source.objects.count() == 40
    assert Event.objects.count() == 80
    assert Position.objects.count() == 300
    assert Measure.objects.count() == 120
    assert MeasureStatusChange.objects.exists()
    assert Position.objects.filter(sources__isnull=True).count() == 0


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    generate()
    first = snapshot()
    generate("--flush")
    assert snapshot() == first
    generate("--flush", "--seed", "2")
    assert snapshot() != first


def test_generated_records_pass_the_models_own_validation() -> None:
    generate()
    for model in (Actor, Source, Event, Position, Measure):
        for record in model._default_manager.all()[:40]:
            record.full_clean()


def test_statuses_follow_the_lifecycle_and_some_dates_are_unknown() -> None:
    generate()
    for change in MeasureStatusChange.objects.all():
        assert change.to_status in ALLOWED_TRANSITIONS[change.from_status]
    for measure in Measure.objects.prefetch_related("status_changes"):
        changes = sorted(measure.status_changes.all(), key=lambda change: change.created_at)
        assert measure.status == (changes[-1].to_status if changes else measure.status)
    assert Position.objects.filter(stated_on__isnull=True).exists()
    assert Measure.objects.filter(status=MeasureStatus.THREATENED).exists()


def test_a_few_actors_take_most_positions() -> None:
    generate()
    counts = sorted((actor.positions.count() for actor in Actor.objects.all()), reverse=True)
    assert sum(counts[:6]) > sum(counts) * 0.3


def test_it_refuses_a_database_that_holds_records_unless_flushed() -> None:
    make_actor()
    with pytest.raises(CommandError, match="--flush"):
        generate()
    generate("--flush")
    assert Actor.objects.count() == 60


def test_the_schema_is_intact_and_search_works_after_a_load(api_client: APIClient) -> None:
    before = index_names()
    generate()
    assert index_names() == before
    response = api_client.get(reverse("api:position-list"), {"q": "ceasefire"})
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's loader analyzes its tables")
def test_sqlite_is_given_statistics_to_plan_with() -> None:
    generate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'responses_position'")
        assert cursor.fetchone()[0] > 0
