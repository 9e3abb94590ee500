"""The OpenAPI schema, the documentation pages and the health check."""

from __future__ import annotations

import ast
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client

from tests.openapi import committed_schema

REPOSITORY = Path(__file__).resolve().parent.parent
COMMITTED_SCHEMA = REPOSITORY / "openapi.yaml"
README = REPOSITORY / "README.md"
DOCS = REPOSITORY / "docs"


def generated_schema() -> str:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_what_the_code_generates() -> None:
    assert COMMITTED_SCHEMA.read_text() == generated_schema(), (
        "openapi.yaml is out of date: run `make schema` and commit it."
    )


def test_every_list_documents_its_filters_and_paging() -> None:
    schema = committed_schema()
    positions = schema["paths"]["/api/v1/positions/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in positions["parameters"]}
    assert {"actor", "stance", "stated_after", "q", "ordering", "limit", "offset"} <= set(
        parameters
    )
    assert parameters["stated_after"]["schema"]["format"] == "date"
    assert parameters["actor"]["schema"]["type"] == "array"
    assert "400" in positions["responses"]


def test_protected_deletes_document_a_409() -> None:
    schema = committed_schema()
    assert "409" in schema["paths"]["/api/v1/actors/{slug}/"]["delete"]["responses"]


def test_writes_read_slugs_and_reads_show_briefs() -> None:
    components = committed_schema()["components"]["schemas"]
    assert components["PositionRequest"]["properties"]["actor"]["type"] == "string"
    assert components["Position"]["properties"]["actor"]["allOf"] == [
        {"$ref": "#/components/schemas/ActorBrief"}
    ]
    speaker = components["Position"]["properties"]["speaker"]
    assert speaker["allOf"] == [{"$ref": "#/components/schemas/ActorBrief"}]
    assert speaker["nullable"] is True


def test_reads_are_open_to_anyone_and_writes_need_credentials() -> None:
    # Generated clients decide from `security` whether a call needs a token.
    schema = committed_schema()
    assert "security" not in schema
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "get" and (
                path.endswith("/history/")
                or path.startswith(("/api/v1/subscriptions/", "/api/v1/deliveries/"))
            ):
                # History names the people who made changes, and webhooks are their
                # owners' business: signed-in readers only.
                assert {"tokenAuth": []} in operation["security"], f"GET {path}"
            elif method == "get":
                assert "security" not in operation, f"GET {path}"
            else:
                assert {"tokenAuth": []} in operation["security"], f"{method.upper()} {path}"
                assert {} not in operation["security"], f"{method.upper()} {path}"


def test_read_only_resources_document_no_writes() -> None:
    schema = committed_schema()
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
        "subscriptions",
        "deliveries",
    }
    assert client.get("/").status_code in (301, 302)


@pytest.mark.django_db
def test_the_browsable_api_shows_the_filter_form(client: Client) -> None:
    response = client.get("/api/v1/positions/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Filters" in response.content
    assert b'name="stance"' in response.content


@pytest.mark.django_db
def test_the_filter_form_takes_typed_slugs_and_never_lists_every_record(client: Client) -> None:
    from actors.models import Actor
    from tests.factories import make_actor, make_position

    for number in range(200):
        make_actor(slug=f"state-{number}", name=f"State {number}")
    union, nato = make_actor(slug="european-union"), make_actor(slug="nato")
    make_position(actor=union), make_position(actor=nato), make_position()
    html = client.get("/api/v1/positions/", HTTP_ACCEPT="text/html").content.decode()
    assert '<label for="id_actor">Actor:</label>' in html
    assert '<label for="id_actor_member_of">Actor member of:</label>' in html
    # A box to type slugs in: not one option per actor (or event, or conflict).
    assert '<input type="text" name="actor"' in html
    assert "state-7" not in html
    assert html.count("<option") < 100 < Actor.objects.count()
    # Two slugs in the box are two actors, shown back as typed; repeating the
    # parameter is the same.
    for query in (
        "actor=european-union+nato",
        "actor=european-union,nato",
        "actor=european-union&actor=nato",
    ):
        page = client.get(f"/api/v1/positions/?{query}", HTTP_ACCEPT="text/html")
        assert 'value="european-union nato"' in page.content.decode()
        listed = client.get(f"/api/v1/positions/?{query}", HTTP_ACCEPT="application/json")
        assert listed.json()["count"] == 2
    unknown = client.get("/api/v1/positions/?actor=nobody", HTTP_ACCEPT="application/json")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["attr"] == "actor"


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


# The documentation: README.md for a newcomer, one page per audience in docs/.


def documentation_pages() -> list[Path]:
    """The README, the pages in docs/ and BENCHMARKS.md, which link to one another."""
    return [README, *sorted(DOCS.glob("*.md")), REPOSITORY / "BENCHMARKS.md"]


def prose(page: Path) -> str:
    """The page without its fenced code blocks, where a "#" starts a comment, not a heading."""
    return re.sub(r"^```.*?^```", "", page.read_text(), flags=re.MULTILINE | re.DOTALL)


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the page's headings (a repeated heading gets -1, -2, ...)."""
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", prose(page), flags=re.MULTILINE):
        anchor = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        number = 0
        while (candidate := anchor if number == 0 else f"{anchor}-{number}") in found:
            number += 1
        found.add(candidate)
    return found


def local_links(page: Path) -> Iterator[str]:
    """Markdown links and HTML src/href attributes that point inside the repository."""
    text = page.read_text()
    for target in re.findall(r"\]\(([^)\s]+)\)|(?:src|href)=\"([^\"]+)\"", text):
        link = target[0] or target[1]
        if not re.match(r"[a-z]+:", link):
            yield link


@pytest.mark.parametrize("page", documentation_pages(), ids=lambda page: page.name)
def test_every_link_between_the_documents_resolves(page: Path) -> None:
    for link in local_links(page):
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        assert target.exists(), f"{page.name} links to {link}, which does not exist"
        if anchor:
            assert anchor in anchors(target), f"{page.name} links to {link}: no such heading"


def test_the_readme_links_every_page_of_the_docs() -> None:
    linked = {
        (REPOSITORY / link.partition("#")[0]).resolve()
        for link in local_links(README)
        if link.endswith(".md") or ".md#" in link
    }
    pages = {page.resolve() for page in DOCS.glob("*.md")}
    assert pages, "docs/ has no pages"
    assert pages <= linked, f"not linked from the README: {sorted(p.name for p in pages - linked)}"


def test_the_readme_stays_short() -> None:
    # What the project is, the Quick start, a tour and links; the rest lives in docs/.
    assert len(README.read_text().splitlines()) < 150


def test_the_quick_start_is_exactly_make_run_and_make_test() -> None:
    text = README.read_text()
    section = re.search(r"^## Quick start\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL)
    assert section is not None, "the README has no Quick start section"
    blocks = re.findall(r"^```\w*\n(.*?)^```", section.group(1), flags=re.MULTILINE | re.DOTALL)
    commands = [
        line.split("#")[0].strip()
        for block in blocks
        for line in block.splitlines()
        if line.split("#")[0].strip()
    ]
    assert commands == ["make run", "make test"]


def environment_variables_read_by_the_settings() -> set[str]:
    """Every NAME in env("NAME"), env.bool("NAME", ...), env.db("NAME", ...) and the like.

    Read in tracker/settings.py and in the modules it takes settings from.
    """
    modules = ("settings.py", "api_settings.py")
    trees = [ast.parse((REPOSITORY / "tracker" / name).read_text()) for name in modules]
    names = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = node.func
        reads_env = (isinstance(function, ast.Name) and function.id == "env") or (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "env"
        )
        first = node.args[0]
        if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def test_every_environment_variable_the_settings_read_is_documented() -> None:
    names = environment_variables_read_by_the_settings()
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "REDIS_URL"} <= names  # the parser works
    operators = (DOCS / "operators.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in operators)
    assert missing == [], f"add these to docs/operators.md, Configuration: {missing}"


def test_every_make_target_the_documents_name_exists() -> None:
    makefile = (REPOSITORY / "Makefile").read_text()
    targets = set(re.findall(r"^([A-Za-z][\w.-]*) *:(?!=)", makefile, flags=re.MULTILINE))
    assert {"run", "test"} <= targets
    named = {
        (page.name, target)
        for page in documentation_pages()
        for target in re.findall(r"(?:^|`)make ([a-z][\w-]*)", page.read_text(), re.MULTILINE)
    }
    assert named, "no make target found in the documents"
    assert sorted(item for item in named if item[1] not in targets) == []


def same_route(named: str, template: str) -> bool:
    """Whether an address in the docs fits a schema path; {placeholders} fit any segment."""
    named_parts, template_parts = named.split("/"), template.split("/")
    return len(named_parts) == len(template_parts) and all(
        a == b or a.startswith("{") or b.startswith("{")
        for a, b in zip(named_parts, template_parts, strict=True)
    )


def test_every_api_address_the_documents_name_is_in_the_schema() -> None:
    paths = [*committed_schema()["paths"], "/api/v1/"]
    named = {
        (page.name, address.rstrip(".,:;"))
        for page in documentation_pages()
        for address in re.findall(r"/api/v1/[^\s'\"`)?\]]*", page.read_text())
    }
    assert len(named) > 20
    unknown = sorted(
        (name, address)
        for name, address in named
        if not any(same_route(address, path) for path in paths)
    )
    assert unknown == []


def test_the_screenshots_the_browser_suite_takes_are_the_ones_shown() -> None:
    # tests/e2e writes camera.readme(page, "name") to docs/screenshots/name.png
    # with --readme-screenshots; the README and docs/ show exactly those.
    taken = {
        f"{name}.png"
        for test in (REPOSITORY / "tests" / "e2e").glob("test_*.py")
        for name in re.findall(r'camera\.readme\(page, "([^"]+)"\)', test.read_text())
    }
    stored = {picture.name for picture in (DOCS / "screenshots").glob("*.png")}
    shown = {
        Path(link).name
        for page in documentation_pages()
        for link in local_links(page)
        if "screenshots/" in link
    }
    assert taken == stored == shown


def test_operations_share_their_error_components() -> None:
    schema = committed_schema()
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
