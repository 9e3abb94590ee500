"""Every HTML page a curator or an analyst opens: its size and its server time.

In-process, through Django's test Client with DEBUG off, signed in as a
staff superuser (``BENCH_USER``, made once in each data set: the one row
the benchmark writes); sessions live in a signed cookie, so nothing else is
written. For each page: the bytes of the body, the
first request (cold caches, templates compiled) and the median of the warm
ones; a page over ``BUDGET_BYTES`` or ``BUDGET_MS`` is flagged.

The pages are declared once, in ``PAGES``: a page of a new view is one
``page(...)`` line there, its path's ``{placeholders}`` filled from
``Samples`` (a typical actor, event, ...). Admin and API pages are expanded
from the admin site's registry and the API root, so a newly registered model
or resource is measured without a line.

    python -m bench.pages [--scales small,large] [--databases sqlite,postgresql]
        [--runs 5] [--only admin] [--sqlite-dir DIR] [--json out.json]

Each (scale, database) runs in a process of its own, on the data sets of
``bench/datasets.py`` (``make bench`` and ``make bench-export`` build them).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench import datasets
from bench.servers import ROOT

BUDGET_BYTES = 500_000
BUDGET_MS = 500.0
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
HTML = {"HTTP_ACCEPT": "text/html"}
# A word of many positions' summaries at every scale; searches also type a
# place name (the busiest event's).
COMMON_WORD = "ceasefire"
# The staff superuser the pages are read as (created once per data set).
BENCH_USER = "bench-pages"


@dataclass(frozen=True)
class Page:
    name: str
    path: str


@dataclass
class Samples:
    """Typical records whose pages are opened, and the worst case where it matters."""

    actor: str  # slug of the actor with the most positions
    event: str  # slug of the event with the most positions
    year: int  # a year the data has events in
    place: str  # the busiest event's location
    typical: dict[str, Any]  # model label -> its first record
    user: Any  # the signed-in superuser

    def fill(self, path: str) -> str:
        return path.format(actor=self.actor, event=self.event, year=self.year, place=self.place)


Pages = Callable[[Samples, Any], Iterable[Page]]


def page(name: str, path: str) -> Pages:
    """One page; ``path`` may name ``{actor}``, ``{event}``, ``{year}`` or ``{place}``."""
    return lambda samples, client: [Page(name, samples.fill(path))]


def admin_pages(samples: Samples, client: Any) -> Iterator[Page]:
    """Per registered model: the list, searched, each filter, a change form, the add form."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    for model in registered_models():
        model_admin = admin.site.get_model_admin(model)
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        label = model._meta.label
        changelist = reverse(f"{info}_changelist")
        yield Page(f"admin {label} list", changelist)
        if model_admin.search_fields:
            yield Page(
                f"admin {label} search place", f"{changelist}?{urlencode({'q': samples.place})}"
            )
            yield Page(f"admin {label} search word", f"{changelist}?q={COMMON_WORD}")
        if model_admin.date_hierarchy:
            field = model_admin.date_hierarchy
            yield Page(f"admin {label} {field} year", f"{changelist}?{field}__year={samples.year}")
        request = RequestFactory().get(changelist)
        request.user = samples.user
        for name, query in filter_choices(model_admin, request, samples.typical.get(label)):
            yield Page(f"admin {label} filter {name}", f"{changelist}?{query}")
        record = samples.typical.get(label)
        if record is not None:
            yield Page(f"admin {label} change", reverse(f"{info}_change", args=[record.pk]))
        if model_admin.has_add_permission(request):
            yield Page(f"admin {label} add", reverse(f"{info}_add"))
    yield Page(
        "admin responses.Event change (busiest)",
        reverse("admin:responses_event_change", args=[busiest_event_pk(samples)]),
    )


def filter_choices(model_admin: Any, request: Any, record: Any) -> Iterator[tuple[str, str]]:
    """For each list filter, its name and the query string of one value."""
    changelist = model_admin.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        choices = [choice for choice in spec.choices(changelist) if not choice["selected"]]
        name = ",".join(str(parameter) for parameter in spec.expected_parameters())
        if choices:
            yield name, choices[0]["query_string"].lstrip("?")
        elif record is not None and hasattr(spec, "field"):
            # A typed-slug filter offers no values: type the record's own.
            related = getattr(record, spec.field.name, None)
            if related is not None:
                yield name, urlencode({spec.expected_parameters()[0]: related.slug})


def api_pages(samples: Samples, client: Any) -> Iterator[Page]:
    """Each resource the API root lists: its list and one record, as browsable HTML."""
    root = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    for name, url in root.items():
        path = urlsplit(url).path
        yield Page(f"api {name} list", path)
        first = client.get(path, {"limit": 1}, HTTP_ACCEPT="application/json").json()
        results = first.get("results", first) if isinstance(first, dict) else first
        if results and isinstance(results[0], dict) and "url" in results[0]:
            yield Page(f"api {name} detail", urlsplit(results[0]["url"]).path)


PAGES: list[Pages] = [
    page("admin index", "/admin/"),
    admin_pages,
    api_pages,
    page("api positions filtered", "/api/v1/positions/?actor={actor}&stance=condemn"),
    page("api events filtered", "/api/v1/events/?kind=drone_strike&occurred_after={year}-01-01"),
    page("api positions searched", "/api/v1/positions/?q={place}"),
    page(
        "api positions every facet",
        "/api/v1/positions/?facets=stance,actor_kind,actor,conflict,event,target,year,month",
    ),
    page("api positions of an actor, facets", "/api/v1/positions/?actor={actor}"),
    page("api positions counts", "/api/v1/positions/counts/?actor={actor}&by=stance"),
    page("api event matrix", "/api/v1/events/{event}/matrix/"),
    page("api actor timeline", "/api/v1/actors/{actor}/timeline/"),
    # The pages for analysts (the pages app): the busiest event and actor.
    page("analyst event", "/events/{event}/"),
    page("analyst actor", "/actors/{actor}/"),
    page("analyst follow-through", "/follow-through/"),
    page("analyst follow-through of states", "/follow-through/?actor_kind=state"),
    page("analyst follow-through of the actor", "/follow-through/?actor={actor}"),
]


def registered_models() -> list[Any]:
    from django.apps import apps
    from django.contrib import admin

    return [model for model in apps.get_models() if admin.site.is_registered(model)]


def busiest_event_pk(samples: Samples) -> int:
    from responses.models import Event

    return Event.objects.values_list("pk", flat=True).get(slug=samples.event)


def find_samples(user: Any) -> Samples:
    from django.db.models import Count

    from responses.models import Event, Position

    def busiest(field: str) -> int:
        row = (
            Position.objects.filter(**{f"{field}__isnull": False})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .order_by("-n", field)
            .values_list(field, flat=True)
            .first()
        )
        assert row is not None, "no positions: generate the data first"
        return row

    actor = Position.objects.filter(actor_id=busiest("actor")).values_list("actor__slug")[0][0]
    event = Event.objects.get(pk=busiest("event"))
    typical = {
        model._meta.label: model._default_manager.order_by("pk").first()
        for model in registered_models()
    }
    year = event.occurred_on.year if event.occurred_on else 2025
    return Samples(
        actor=actor,
        event=event.slug,
        year=year,
        place=event.location or event.title.split()[-1],
        typical=typical,
        user=user,
    )


def setup(database_url: str) -> None:
    """Django as production runs it, on a data set that is only read."""
    from bench.servers import django_environment

    os.environ.update(django_environment(database_url), ALLOWED_HOSTS="testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    # Without DEBUG, pages name their static files from the collected manifest.
    call_command("collectstatic", "--noinput", verbosity=0)


def timed(client: Any, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(path, **HTML)
    body = b"".join(response) if response.streaming else response.content
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        # Reported, not fatal: one broken page should not hide the others.
        print(f"  {path}: HTTP {response.status_code}", file=sys.stderr)
    return elapsed, len(body)


def measure(runs: int, only: str) -> dict[str, dict[str, Any]]:
    from django.contrib.auth.models import User
    from django.test import Client, override_settings

    results: dict[str, dict[str, Any]] = {}
    # The one row written to the shared data sets; sessions live in the
    # cookie, so that no transaction stays open (SQLite would lock the file).
    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"):
        client = Client()
        client.force_login(user)
        samples = find_samples(user)
        # A new process's first request loads the URL configuration, the admin's
        # registry and the templates' engine: once, not the first page's cost.
        client.get("/admin/", HTTP_ACCEPT="text/html")
        for pages in PAGES:
            for found in pages(samples, client):
                if only not in found.name:
                    continue
                first, size = timed(client, found.path)
                warm = statistics.median(timed(client, found.path)[0] for _ in range(runs))
                results[found.name] = {
                    "path": found.path,
                    "bytes": size,
                    "first_ms": first,
                    "ms": warm,
                }
                print(f"  {found.name}: {size} B, {first:.0f} / {warm:.0f} ms", file=sys.stderr)
    return results


def over(figures: dict[str, Any]) -> str:
    flags = []
    if figures["bytes"] > BUDGET_BYTES:
        flags.append("size")
    if figures["ms"] > BUDGET_MS or figures["first_ms"] > BUDGET_MS:
        flags.append("time")
    return " ".join(f"**{flag}**" for flag in flags)


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    """One table per scale, the databases side by side."""
    out = []
    for scale in dict.fromkeys(key.split("/")[0] for key in results):
        runs = {key.split("/")[1]: value for key, value in results.items() if key.startswith(scale)}
        databases = list(runs)
        header = "| page | " + " | ".join(
            f"{db}: KB | first ms | warm ms | over" for db in databases
        )
        out += [
            f"\n### {scale}\n",
            header + " |",
            "|---" + "|---:|---:|---:|---" * len(databases) + "|",
        ]
        names = dict.fromkeys(name for figures in runs.values() for name in figures)
        for name in names:
            cells = []
            for db in databases:
                figures = runs[db].get(name)
                if figures is None:
                    cells.append("— | — | — | ")
                else:
                    cells.append(
                        f"{figures['bytes'] / 1000:.0f} | {figures['first_ms']:.0f} | "
                        f"{figures['ms']:.0f} | {over(figures)}"
                    )
            out.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def database_url(database: str, scale: str, server: str, sqlite_dir: Path) -> str:
    if database == "sqlite":
        path = sqlite_dir / datasets.sqlite_path(scale).name
        if not path.exists():
            raise SystemExit(f"{path} is missing: `make bench-export` builds it.")
        return f"sqlite:///{path}"
    return datasets.database_url(server, scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="small,large")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5, help="Warm requests per page.")
    parser.add_argument("--only", default="", help="Only the pages whose name has this.")
    parser.add_argument("--server", default=os.environ.get("BENCH_POSTGRES", DEFAULT_SERVER))
    parser.add_argument("--sqlite-dir", type=Path, default=datasets.DATA_DIR)
    parser.add_argument("--json", type=Path, help="Write the figures to this file.")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child's database URL
    args = parser.parse_args()
    if args.one:
        setup(args.one)
        print(json.dumps(measure(args.runs, args.only)))
        return
    results = {}
    for scale in args.scales.split(","):
        for database in args.databases.split(","):
            url = database_url(database, scale, args.server, args.sqlite_dir)
            print(f"{scale} / {database}", file=sys.stderr)
            child = [sys.executable, "-m", "bench.pages", "--one", url]
            child += ["--runs", str(args.runs), "--only", args.only]
            done = subprocess.run(child, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True)
            results[f"{scale}/{database}"] = json.loads(done.stdout)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(table(results))


if __name__ == "__main__":
    main()
