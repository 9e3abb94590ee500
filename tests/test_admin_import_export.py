"""Curators import and export records in the admin, with a dry run and all-or-nothing writes."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from actors.models import Actor
from responses.models import Position
from tests.factories import make_actor, make_event, make_source

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # the first of CSV, JSON, XLSX


def upload(client: Client, url_name: str, name: str, content: str) -> str:
    response = client.post(
        reverse(url_name),
        {
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    return response.content.decode()


def confirm(client: Client, url_name: str, preview: str) -> None:
    fields = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"',
            preview,
        )
    )
    assert "import_file_name" in fields, preview[:3000]
    response = client.post(reverse(url_name), fields)
    assert response.status_code == 302


def test_a_dry_run_previews_new_and_changed_rows_without_writing(admin_client: Client) -> None:
    make_actor(slug="russia", name="Russia")
    preview = upload(
        admin_client,
        "admin:actors_actor_import",
        "actors.csv",
        "slug,name,short_name,kind,country,parent_slug,aliases,wikidata_id,description\r\n"
        "russia,Russian Federation,,state,RU,,Russia,,\r\n"
        "ukraine,Ukraine,,state,UA,,,,\r\n",
    )
    assert "New" in preview
    assert "Update" in preview
    assert Actor.objects.get(slug="russia").name == "Russia"
    assert not Actor.objects.filter(slug="ukraine").exists()
    confirm(admin_client, "admin:actors_actor_process_import", preview)
    assert Actor.objects.get(slug="russia").name == "Russian Federation"
    assert Actor.objects.get(slug="russia").aliases == ["Russia"]
    assert Actor.objects.filter(slug="ukraine").exists()


def test_a_file_with_a_bad_row_names_the_row_and_field_and_writes_nothing(
    admin_client: Client,
) -> None:
    preview = upload(
        admin_client,
        "admin:actors_actor_import",
        "actors.csv",
        "slug,name,kind,country\r\nukraine,Ukraine,state,UA\r\natlantis,Atlantis,planet,XX\r\n",
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))
    assert "Some rows failed to validate" in text
    # The row number, the field and the reason.
    assert re.search(
        r"Row Errors .*? 2 \d+ kind Value &#x27;planet&#x27; is not a valid choice", text
    )
    assert 'name="import_file_name"' not in preview  # nothing to confirm
    assert not Actor.objects.exists()


def test_positions_import_with_slugs_and_rules(admin_client: Client) -> None:
    make_actor(slug="european-union")
    make_event(slug="kyiv-drone-strike")
    source = make_source()
    header = "id,actor_slug,event_slug,stance,cameo_code,summary,source_ids\r\n"
    bad = upload(
        admin_client,
        "admin:responses_position_import",
        "positions.csv",
        header + f",european-union,kyiv-drone-strike,condemn,051,Condemns.,{source.pk}\r\n"
        ",european-union,kyiv-drone-strike,condemn,111,Condemns.,\r\n",
    )
    assert "contradicts the stance" in bad
    assert "source_ids" in bad
    assert not Position.objects.exists()
    good = upload(
        admin_client,
        "admin:responses_position_import",
        "positions.csv",
        header + f",european-union,kyiv-drone-strike,threaten,1312,Threatens.,{source.pk}\r\n",
    )
    confirm(admin_client, "admin:responses_position_process_import", good)
    position = Position.objects.get()
    assert position.actor.slug == "european-union"
    assert list(position.sources.all()) == [source]


def test_a_source_id_that_names_no_source_is_an_error_not_dropped(admin_client: Client) -> None:
    make_actor(slug="european-union")
    make_event(slug="kyiv-drone-strike")
    source = make_source()
    preview = upload(
        admin_client,
        "admin:responses_position_import",
        "positions.csv",
        "id,actor_slug,event_slug,stance,summary,source_ids\r\n"
        f",european-union,kyiv-drone-strike,condemn,Condemns.,{source.pk}|999999\r\n",
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview))
    assert "There is no source with id 999999. Column: source_ids." in text
    assert 'name="import_file_name"' not in preview  # nothing to confirm
    assert not Position.objects.exists()


@pytest.mark.parametrize("file_format", ["0", "1", "2"])
def test_records_export_as_csv_json_and_xlsx(admin_client: Client, file_format: str) -> None:
    make_actor(slug="ukraine", name="Україна")
    response = admin_client.post(
        reverse("admin:actors_actor_export"),
        {
            "format": file_format,
            "export_items": [],
            **{f"actorresource_{name}": "on" for name in ("slug", "name")},
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
