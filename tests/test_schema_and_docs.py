"""The OpenAPI schema, the documentation pages and the health check."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client

COMMITTED_SCHEMA = Path(__file__).resolve().parent.parent / "openapi.yaml"


def generated_schema() -> str:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_what_the_code_generates() -> None:
    assert COMMITTED_SCHEMA.read_text() == generated_schema(), (
        "openapi.yaml is out of date: run `make schema` and commit it."
    )


def test_every_list_documents_its_filters_and_paging() -> None:
    schema = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    positions = schema["paths"]["/api/v1/positions/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in positions["parameters"]}
    assert {"actor", "stance", "stated_after", "q", "ordering", "limit", "offset"} <= set(
        parameters
    )
    assert parameters["stated_after"]["schema"]["format"] == "date"
    assert parameters["actor"]["schema"]["type"] == "array"
    assert "400" in positions["responses"]


def test_protected_deletes_document_a_409() -> None:
    schema = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    assert "409" in schema["paths"]["/api/v1/actors/{slug}/"]["delete"]["responses"]


def test_writes_read_slugs_and_reads_show_briefs() -> None:
    components = yaml.safe_load(COMMITTED_SCHEMA.read_text())["components"]["schemas"]
    assert components["PositionRequest"]["properties"]["actor"]["type"] == "string"
    assert components["Position"]["properties"]["actor"]["allOf"] == [
        {"$ref": "#/components/schemas/ActorBrief"}
    ]
    speaker = components["Position"]["properties"]["speaker"]
    assert speaker["allOf"] == [{"$ref": "#/components/schemas/ActorBrief"}]
    assert speaker["nullable"] is True


def test_reads_are_open_to_anyone_and_writes_need_credentials() -> None:
    # Generated clients decide from `security` whether a call needs a token.
    schema = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    assert "security" not in schema
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "get" and path.endswith("/history/"):
                # History names the people who made changes: signed-in readers only.
                assert {"tokenAuth": []} in operation["security"], f"GET {path}"
            elif method == "get":
                assert "security" not in operation, f"GET {path}"
            else:
                assert {"tokenAuth": []} in operation["security"], f"{method.upper()} {path}"
                assert {} not in operation["security"], f"{method.upper()} {path}"


def test_read_only_resources_document_no_writes() -> None:
    schema = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    assert set(schema["paths"]["/api/v1/status-changes/{id}/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/status-changes/"]) == {"get"}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/schema/", "application/vnd.oai.openapi"),
        ("/api/schema/?format=json", "application/vnd.oai.openapi+json"),
        ("/api/docs/", "text/html"),
        ("/api/redoc/", "text/html"),
    ],
)
def test_the_docs_are_served_without_internet(client: Client, path: str, content_type: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    if content_type == "text/html":
        # The pages load their scripts, styles and fonts from our own static
        # files, not a CDN. (The browser suite also watches what they fetch.)
        html = response.content.decode()
        loaded = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="([^"]+)"', html)
        assert loaded
        assert [url for url in loaded if "//" in url] == []
        assert "/static/drf_spectacular_sidecar/" in html


@pytest.mark.django_db
def test_the_api_root_lists_every_resource(client: Client) -> None:
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert set(response.json()) == {
        "actors",
        "memberships",
        "conflicts",
        "events",
        "positions",
        "measures",
        "status-changes",
        "sources",
        "changes",
    }
    assert client.get("/").status_code in (301, 302)


@pytest.mark.django_db
def test_the_browsable_api_shows_the_filter_form(client: Client) -> None:
    response = client.get("/api/v1/positions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Filters" in response.content
    assert b'name="stance"' in response.content


@pytest.mark.django_db
def test_the_filter_form_offers_actors_by_name_under_plain_labels(client: Client) -> None:
    from tests.factories import make_actor

    make_actor(slug="european-union", name="European Union")
    html = client.get("/api/v1/positions/", HTTP_ACCEPT="text/html").content.decode()
    assert '<label for="id_actor">Actor:</label>' in html
    assert '<label for="id_actor_member_of">Actor member of:</label>' in html
    assert '<option value="european-union">European Union</option>' in html


@pytest.mark.django_db
def test_health_reports_the_database_up(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


@pytest.mark.django_db
def test_health_reports_the_database_down(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.utils import CursorWrapper

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response["Retry-After"]


def test_operations_share_their_error_components() -> None:
    schema = yaml.safe_load(COMMITTED_SCHEMA.read_text())
    components = schema["components"]["schemas"]

    def attrs(name: str) -> set[str]:
        members = components[name]["properties"]["errors"]["items"]["oneOf"]
        return {member["$ref"].rsplit("/", 1)[1] for member in members}

    # The same body fields give the same errors on create, update and partial_update.
    assert "ActorNameErrorComponent" in attrs("ActorsCreateValidationError")
    assert attrs("ActorsUpdateValidationError") == attrs("ActorsPartialUpdateValidationError")
    assert attrs("ActorsCreateValidationError") - attrs("ActorsUpdateValidationError") == {
        "Idempotency-KeyErrorComponent"
    }
    # Only the list of what an operation can name is its own.
    assert [name for name in components if name.startswith("ActorsCreate")] == [
        "ActorsCreateValidationError"
    ]
    # The generic answers are written once and referred to by every operation.
    responses = schema["paths"]["/api/v1/actors/{slug}/"]["delete"]["responses"]
    assert responses["404"] == {"$ref": "#/components/responses/NotFound"}
    assert schema["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"]
