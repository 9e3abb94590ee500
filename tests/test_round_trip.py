"""What the API exports as CSV, import_records and the admin import take back unchanged.

Each resource is exported over HTTP (``?format=csv`` and ``export/``), then
loaded back with ``import_records`` and with the admin's import (a logged-in
curator, through its HTTP views): no field value, link, history row or
change-feed entry may differ afterwards. An error names the field as the API
does: a duplicate source address is ``link`` everywhere, never the model's
``url``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from actors.choices import ActorKind
from actors.models import Actor, Membership
from responses.models import Change, Conflict, Event, EventRelation, Measure, Position, Source
from responses.scenario import load_scenario
from tests.factories import make_actor, make_membership, make_position, make_source

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the first of the admin's formats: CSV, JSON, XLSX

# In the order a load needs them: what a record refers to comes first.
RESOURCES = [
    ("source", "responses_source", Source),
    ("actor", "actors_actor", Actor),
    ("membership", "actors_membership", Membership),
    ("conflict", "responses_conflict", Conflict),
    ("event", "responses_event", Event),
    ("position", "responses_position", Position),
    ("measure", "responses_measure", Measure),
]


@pytest.fixture
def records() -> None:
    """The seed scenario, and what it lacks: a membership, a source with an
    address, a formula-like quote, and two positions with one natural key."""
    load_scenario()
    nato = Actor.objects.get(slug="nato")
    make_membership(
        member=make_actor(slug="poland", name="Poland", country="PL"), organization=nato
    )
    source = make_source(url="https://example.org/strike", title="=Strike report")
    Actor.objects.filter(slug="ukraine").update(aliases=["Ukraina", "UA"])
    twin = {"actor": Actor.objects.get(slug="poland"), "stance": "condemn"}
    make_position(sources=[source], quote="-so it was said", **twin)
    make_position(sources=[source], summary="Said again, the same day.", **twin)
    measure = Measure.objects.get()
    measure.amount, measure.currency = 1500000, "EUR"
    measure.save()


def snapshot() -> dict[Any, Any]:
    """Every value of every record, its links, its history and the change feed."""
    state: dict[Any, Any] = {}
    for _, _, model in RESOURCES:
        state[model] = list(model._default_manager.order_by("pk").values())
        for m2m in model._meta.many_to_many:
            state[model, m2m.name] = sorted(
                model._default_manager.values_list("pk", f"{m2m.name}__pk").distinct()
            )
        if hasattr(model, "history"):
            state[model, "history"] = model.history.count()
    state[EventRelation] = sorted(
        EventRelation.objects.values_list("from_event", "to_event", "relation")
    )
    state[Change] = Change.objects.count()
    return state


def exported(basename: str, how: str) -> str:
    client = APIClient()
    if how == "export":
        response: Any = client.get(reverse(f"api:{basename}-export"))
    else:
        response = client.get(reverse(f"api:{basename}-list"), {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def import_records(tmp_path: Path, basename: str, text: str) -> str:
    path = tmp_path / f"{basename}s.csv"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_records", str(path), "--type", basename, "--no-progress", stdout=out)
    return out.getvalue()


@pytest.fixture
def admin_curator(curator: User) -> Client:
    curator.is_staff = True
    curator.save()
    client = Client()
    client.force_login(curator)
    return client


def admin_import(client: Client, admin_name: str, text: str, *, valid: bool = True) -> str:
    """Upload a CSV file to the admin's import, then confirm it (a valid file)."""
    preview = client.post(
        reverse(f"admin:{admin_name}_import"),
        {
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("export.csv", text.encode(), "text/csv"),
        },
    ).content.decode()
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"',
            preview,
        )
    )
    assert ("import_file_name" in fields) == valid, preview[:3000]
    if valid:
        response = client.post(reverse(f"admin:{admin_name}_process_import"), fields)
        assert response.status_code == 302
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))


@pytest.mark.parametrize("how", ["export", "csv"])
@pytest.mark.usefixtures("records")
def test_import_records_takes_back_every_export_and_changes_nothing(
    tmp_path: Path, how: str
) -> None:
    before = snapshot()
    for basename, _, _ in RESOURCES:
        report = import_records(tmp_path, basename, exported(basename, how))
        assert "rejected" not in report, report
    assert snapshot() == before


@pytest.mark.usefixtures("records")
def test_the_admin_import_takes_back_every_export_and_changes_nothing(
    admin_curator: Client,
) -> None:
    before = snapshot()
    for basename, admin_name, model in RESOURCES:
        text = admin_import(admin_curator, admin_name, exported(basename, "export"))
        assert "Errors" not in text, text[:3000]
        assert text.count("Skipped") == model._default_manager.count()
    assert snapshot() == before


@pytest.mark.usefixtures("records")
def test_an_exported_row_that_is_edited_updates_its_record_by_id(tmp_path: Path) -> None:
    text = exported("position", "export")
    twin = Position.objects.filter(actor__slug="poland").order_by("pk").last()
    assert twin is not None
    edited = text.replace("Said again, the same day.", "Said again, louder.")
    import_records(tmp_path, "position", edited)
    twin.refresh_from_db()
    assert twin.summary == "Said again, louder."
    assert Position.objects.filter(actor__slug="poland").count() == 2


def test_a_duplicate_address_is_named_link_by_the_api(curator_client: APIClient) -> None:
    taken = make_source(url="https://example.org/a")
    response = curator_client.post(
        reverse("api:source-list"),
        {"kind": "news_article", "title": "Copy", "link": taken.url},
        format="json",
    )
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["link"]


def duplicate_address_row() -> str:
    taken = make_source(url="https://example.org/a")
    other = make_source(url="https://example.org/b", title="Other")
    return f"id,kind,title,link\r\n{other.pk},news_article,Other,{taken.url}\r\n"


def test_a_duplicate_address_is_named_link_by_import_records(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text(duplicate_address_row())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--type", "source", stdout=out)
    assert re.search(r"\blink: A source with this URL already exists", out.getvalue()), (
        out.getvalue()
    )


def test_a_duplicate_address_is_named_link_by_the_admin_import(admin_curator: Client) -> None:
    text = admin_import(admin_curator, "responses_source", duplicate_address_row(), valid=False)
    errors = text.split("Errors", 1)[-1]
    assert re.search(r"\blink A source with this URL already exists", errors), errors[:2000]
    assert Source.objects.get(title="Other").url == "https://example.org/b"


def test_a_row_naming_an_unknown_id_is_rejected(tmp_path: Path) -> None:
    make_actor(slug="ukraine", kind=ActorKind.STATE)
    out = io.StringIO()
    path = tmp_path / "actors.csv"
    path.write_text("id,slug,name,kind\r\n999999,ukraine,Ukraine,state\r\n")
    with pytest.raises(CommandError):
        call_command("import_records", str(path), "--type", "actor", stdout=out)
    assert "There is no actor with id 999999" in out.getvalue()
