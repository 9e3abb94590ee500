"""A measure's dates agree with its status, on every way a measure is written.

Only a measure in force, suspended or lifted has an effective date; only a
lifted, withdrawn or lapsed one has an end date. Any date may stay empty.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from responses.choices import ALLOWED_TRANSITIONS, MeasureStatus
from responses.models import Measure
from tests.factories import make_actor, make_measure, make_source
from tests.responses.importing import SOURCE_URL, WORLD, load, load_rejected, write_jsonl
from tests.responses.test_admin import admin_url, measure_form
from tests.test_admin_import_export import upload

pytestmark = pytest.mark.django_db

DAY = "2026-03-01"
# The rule table: the statuses in which each date may be given.
ALLOWED = {
    "effective_on": {"in_force", "suspended", "lifted"},
    "ended_on": {"lifted", "withdrawn", "lapsed"},
}
CASES = [(status, field) for status in MeasureStatus.values for field in ALLOWED]
# A measure row for import_records, about the world of tests.responses.importing.
MEASURE_ROW = {
    "type": "measure",
    "actor": "european-union",
    "target": "russia",
    "kind": "sanctions",
    "sources": [SOURCE_URL],
}


def errors_by_attr(response: Any) -> dict[str | None, str]:
    return {error["attr"]: error["detail"] for error in response.json()["errors"]}


def measure_body(**overrides: Any) -> dict[str, Any]:
    return {
        "actor": make_actor().slug,
        "target": make_actor().slug,
        "kind": "sanctions",
        "sources": [make_source().pk],
        **overrides,
    }


@pytest.mark.parametrize(("status", "field"), CASES)
def test_the_api_takes_a_date_only_in_the_statuses_that_allow_it(
    curator_client: APIClient, status: str, field: str
) -> None:
    response = curator_client.post(
        reverse("api:measure-list"), measure_body(status=status, **{field: DAY}), format="json"
    )
    if status in ALLOWED[field]:
        assert response.status_code == 201, response.json()
        assert response.json()[field] == DAY
    else:
        assert response.status_code == 400
        assert list(errors_by_attr(response)) == [field]
        assert (
            f"The measure is {MeasureStatus(status).label.lower()}"
            in (errors_by_attr(response)[field])
        )
        assert not Measure.objects.exists()


@pytest.mark.parametrize("status", MeasureStatus.values)
def test_every_status_is_recorded_without_dates(curator_client: APIClient, status: str) -> None:
    response = curator_client.post(
        reverse("api:measure-list"), measure_body(status=status), format="json"
    )
    assert response.status_code == 201, response.json()


def test_a_threat_cannot_be_patched_with_an_end_date(curator_client: APIClient) -> None:
    measure = make_measure()
    response = curator_client.patch(
        reverse("api:measure-detail", kwargs={"pk": measure.pk}),
        {"ended_on": DAY, "effective_on": DAY},
        format="json",
    )
    assert response.status_code == 400
    assert set(errors_by_attr(response)) == {"effective_on", "ended_on"}
    measure.refresh_from_db()
    assert (measure.effective_on, measure.ended_on) == (None, None)


def test_a_measure_in_force_can_be_patched_with_its_effective_date(
    curator_client: APIClient,
) -> None:
    measure = make_measure(status="in_force")
    response = curator_client.patch(
        reverse("api:measure-detail", kwargs={"pk": measure.pk}),
        {"effective_on": DAY},
        format="json",
    )
    assert response.status_code == 200, response.json()


def paths_through_the_lifecycle() -> list[list[str]]:
    """Every sequence of allowed moves from each status a measure can be recorded in."""
    paths: list[list[str]] = []

    def walk(path: list[str]) -> None:
        moves = [move for move in ALLOWED_TRANSITIONS[path[-1]] if move not in path[1:]]
        if not moves:
            paths.append(path)
        for move in moves:
            walk([*path, move])

    for start in MeasureStatus.values:
        walk([start])
    return paths


@pytest.mark.parametrize("path", paths_through_the_lifecycle(), ids="-".join)
def test_dated_transitions_set_only_the_dates_each_status_allows(
    curator_client: APIClient, path: list[str]
) -> None:
    measure = make_measure(status=path[0])
    source = make_source()
    day = datetime.date(2026, 1, 1)
    for to in path[1:]:
        day += datetime.timedelta(days=10)
        response = curator_client.post(
            reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
            {"to": to, "on": day.isoformat(), "source": source.pk},
            format="json",
        )
        assert response.status_code == 201, (to, response.json())
        measure.refresh_from_db()
        assert measure.dates_refused_by_status() == {}
    if MeasureStatus.IN_FORCE in path[1:]:
        assert measure.effective_on is not None
    if path[-1] in ALLOWED["ended_on"] and len(path) > 1:
        assert measure.ended_on is not None


def test_an_undated_transition_leaves_the_dates_empty(curator_client: APIClient) -> None:
    measure = make_measure()
    for to in ("in_force", "lifted"):
        response = curator_client.post(
            reverse("api:measure-transitions", kwargs={"pk": measure.pk}),
            {"to": to, "source": make_source().pk},
            format="json",
        )
        assert response.status_code == 201
    measure.refresh_from_db()
    assert (measure.status, measure.effective_on, measure.ended_on) == ("lifted", None, None)


def test_the_admin_change_form_refuses_an_end_date_for_a_threat(admin_client: Client) -> None:
    measure = make_measure()
    response = admin_client.post(
        admin_url(measure, "change", measure.pk), measure_form(measure, ended_on=DAY)
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "has not ended" in form.errors["ended_on"][0]
    measure.refresh_from_db()
    assert measure.ended_on is None


def test_the_admin_add_form_takes_an_effective_date_for_a_measure_in_force(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        admin_url(Measure, "add"), measure_form(status="in_force", effective_on=DAY)
    )
    assert response.status_code == 302
    assert Measure.objects.get().effective_on == datetime.date(2026, 3, 1)


def test_the_admin_import_names_the_date_a_status_refuses(admin_client: Client) -> None:
    make_actor(slug="european-union")
    make_actor(slug="russia")
    source = make_source()
    preview = upload(
        admin_client,
        "admin:responses_measure_import",
        "measures.csv",
        "id,actor_slug,target_slug,kind,status,effective_on,source_ids\r\n"
        f",european-union,russia,sanctions,threatened,{DAY},{source.pk}\r\n",
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))
    assert re.search(r"Row Errors .*? 1 \d+ effective_on The measure is threatened", text), text
    assert not Measure.objects.exists()


def test_import_records_names_the_date_a_status_refuses(tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, *WORLD, name="world"))
    measure = MEASURE_ROW
    out = load_rejected(
        write_jsonl(
            tmp_path,
            {**measure, "status": "proposed", "ended_on": DAY},
            {**measure, "kind": "asset_freeze", "status": "withdrawn", "effective_on": DAY},
        )
    )
    assert "line 1 (measure): ended_on: The measure is proposed, so it has not ended" in out
    assert "line 2 (measure): effective_on: The measure is withdrawn" in out
    assert not Measure.objects.exists()


def test_import_records_loads_dates_the_status_allows(tmp_path: Path) -> None:
    load(write_jsonl(tmp_path, *WORLD, name="world"))
    row = {**MEASURE_ROW, "status": "lifted", "effective_on": "2026-01-01", "ended_on": DAY}
    load(write_jsonl(tmp_path, row))
    assert Measure.objects.get().ended_on == datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("status", "dates"),
    [
        ("threatened", {"effective_on": datetime.date(2026, 1, 1)}),
        ("adopted", {"effective_on": datetime.date(2026, 1, 1)}),
        ("lapsed", {"effective_on": datetime.date(2026, 1, 1)}),
        ("in_force", {"ended_on": datetime.date(2026, 1, 1)}),
        ("suspended", {"ended_on": datetime.date(2026, 1, 1)}),
        ("proposed", {"ended_on": datetime.date(2026, 1, 1)}),
    ],
)
def test_the_database_refuses_a_date_the_status_does_not_allow(
    status: str, dates: dict[str, datetime.date]
) -> None:
    measure = make_measure(status=status)
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(**dates)


def test_the_database_keeps_dates_the_status_allows() -> None:
    measure = make_measure(status="lifted")
    Measure.objects.filter(pk=measure.pk).update(
        effective_on=datetime.date(2026, 1, 1), ended_on=datetime.date(2026, 2, 1)
    )
    measure.refresh_from_db()
    assert measure.ended_on == datetime.date(2026, 2, 1)
