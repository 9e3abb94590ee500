"""Regressions for what people without the permission could do through the admin.

Each test replays a request that used to write (or fail) and checks the answer
it gets now; tests/test_admin_permissions.py walks every admin URL the same way.
"""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import CURATOR, REVIEWER
from actors.models import Actor
from responses.choices import MeasureStatus
from responses.models import Measure
from savedfilters.models import SavedFilter
from tests.factories import make_actor, make_measure, make_source

pytestmark = pytest.mark.django_db

CSV, JSON, XLSX = "0", "1", "2"
FORMULA = "=cmd|' /C calc'!A0"


def signed_in(username: str, *groups: str) -> Client:
    user = User.objects.create_user(username, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer() -> Client:
    return signed_in("rita", REVIEWER)


@pytest.fixture
def staff() -> Client:
    return signed_in("sam")


@pytest.fixture
def curator() -> Client:
    return signed_in("carla", CURATOR)


def measure_import(client: Client, measure: Measure, status: str) -> tuple[int, int]:
    """Uploads a measure row, then confirms the dry run as the admin's form would."""
    source = measure.sources.get()
    row = (
        "id,actor_slug,target_slug,kind,status,source_ids\r\n"
        f",{measure.actor.slug},{measure.target.slug},sanctions,{status},{source.pk}\r\n"
    )
    upload = client.post(
        reverse("admin:responses_measure_import"),
        {"format": CSV, "import_file": SimpleUploadedFile("m.csv", row.encode())},
    )
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"',
            upload.content.decode(),
        )
    )
    confirm = client.post(
        reverse("admin:responses_measure_process_import"),
        fields or {"import_file_name": "m.csv", "original_file_name": "m.csv", "format": CSV},
    )
    return upload.status_code, confirm.status_code


@pytest.mark.parametrize("role", ["reviewer", "staff"])
def test_only_people_who_may_add_and_change_import(
    role: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(role)
    measure = make_measure(sources=[make_source()])
    assert measure_import(client, measure, MeasureStatus.LIFTED) == (403, 403)
    assert Measure.objects.count() == 1
    assert client.get(reverse("admin:responses_measure_import")).status_code == 403


def test_a_curator_still_imports(curator: Client) -> None:
    measure = make_measure(sources=[make_source()])
    assert measure_import(curator, measure, MeasureStatus.THREATENED) == (200, 302)
    assert Measure.objects.count() == 2


def test_reading_an_old_version_does_not_save_it_back(reviewer: Client, curator: Client) -> None:
    source = make_source(title="Original title")
    source.title = "Corrected title"
    source.save()
    first = source.history.order_by("history_id").first()
    url = reverse("admin:responses_source_simple_history", args=[source.pk, first.history_id])
    page = reviewer.get(url)
    assert page.status_code == 200
    assert reviewer.post(url, {"kind": source.kind, "title": "Original title"}).status_code == 403
    source.refresh_from_db()
    assert source.title == "Corrected title"
    assert source.history.count() == 2
    # Reverting is still a curator's to do.
    assert curator.post(url, {"kind": source.kind, "title": "Original title"}).status_code == 302
    source.refresh_from_db()
    assert source.title == "Original title"


def test_saving_filters_needs_the_permission(reviewer: Client, curator: Client) -> None:
    save = reverse("admin:actors_actor_save_filters")
    data = {"name": "States", "query": "kind=state", "shared": "on"}
    assert reviewer.post(save, data).status_code == 403
    assert not SavedFilter.objects.exists()
    listing = reviewer.get(reverse("admin:actors_actor_changelist") + "?kind=state")
    assert save not in listing.content.decode()
    assert curator.post(save, data).status_code == 302
    assert SavedFilter.objects.get().owner is None


def export(client: Client, file_format: str) -> bytes:
    response = client.post(
        reverse("admin:actors_actor_export"),
        {
            "format": file_format,
            "export_items": [],
            **{f"actorresource_{name}": "on" for name in ("slug", "name", "kind", "description")},
        },
    )
    assert response.status_code == 200
    return response.getvalue()


def test_admin_exports_show_formulas_as_text(curator: Client) -> None:
    make_actor(slug="trap", name=FORMULA, description="-1+2", short_name="+")
    csv_text = export(curator, CSV).decode()
    assert f"'{FORMULA}" in csv_text
    assert ",'-1+2" in csv_text
    sheet = load_workbook(io.BytesIO(export(curator, XLSX))).active
    assert sheet is not None
    cells = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row}
    assert cells[f"'{FORMULA}"] == "s"
    assert not any(kind == "f" for kind in cells.values())


def test_an_admin_export_imports_back_as_it_was(curator: Client) -> None:
    make_actor(slug="trap", name=FORMULA, description="@SUM(A1)")
    exported = export(curator, CSV)
    Actor.objects.filter(slug="trap").update(name="Renamed", description="")
    upload = curator.post(
        reverse("admin:actors_actor_import"),
        {"format": CSV, "import_file": SimpleUploadedFile("a.csv", exported)},
    )
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"',
            upload.content.decode(),
        )
    )
    assert curator.post(reverse("admin:actors_actor_process_import"), fields).status_code == 302
    actor = Actor.objects.get(slug="trap")
    assert (actor.name, actor.description) == (FORMULA, "@SUM(A1)")


def test_the_quality_report_renders_in_the_browsable_api(client: Client) -> None:
    make_actor(name="Referred to by nothing")
    response = client.get("/api/v1/quality/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert "Referred to by nothing" in response.content.decode()


def test_an_unknown_impact_in_an_admin_import_is_named_not_a_server_error(
    curator: Client,
) -> None:
    source = make_source()
    row = f"slug,title,kind,impacts,source_ids\r\nstrike,Strike,drone_strike,meteor,{source.pk}\r\n"
    response = curator.post(
        reverse("admin:responses_event_import"),
        {"format": CSV, "import_file": SimpleUploadedFile("e.csv", row.encode())},
    )
    assert response.status_code == 200
    assert "Unknown impact: meteor" in response.content.decode()
