"""No admin view writes what the signed-in person's permissions don't allow.

Every URL of the admin, taken from its URL resolver (so a view added later is
walked too), is sent every method by every role: anonymous, staff without
permissions, reviewer, curator and superuser. POST bodies are the page's own
forms as the superuser sees them (a change form with its values, a delete
confirmation, a history version to revert to), each list action on every row,
a real import of a changed row, and the confirmation of an import's dry run.
After each request the database is compared with what it held before, and
every row added, changed or removed must be allowed by the role's permissions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import CURATOR, REVIEWER
from accounts.tokens import issue_token
from actors.models import Actor
from responses.models import Measure, MeasureStatusChange
from responses.scenario import load_scenario
from savedfilters.models import SavedFilter
from tests.admin_walk import (
    AdminRoute,
    Snapshot,
    Writes,
    admin_routes,
    every_row,
    fill_route,
    form_fields,
    snapshot,
    writes_between,
)
from tests.factories import make_membership, make_source, make_status_change
from webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

WRITE_SQL = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
ROLES = ("anonymous", "staff", "reviewer", "curator", "superuser")  # least privileged first
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Rows written only as part of another record's change: a transition records
# the measure's status change, and goes with the measure when it is deleted.
PART_OF: dict[type[Model], type[Model]] = {MeasureStatusChange: Measure}
# Columns an import may change without breaking a rule, by preference.
EDITABLE_COLUMNS: dict[str, Callable[[Any], str]] = {
    **{
        column: lambda value: f"{value} (imported)"
        for column in ("description", "summary", "excerpt", "title", "condition", "name")
    },
    "started_on": lambda value: "1949-04-04",
}


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[type[Model], Model]
    victim: User


def build_world() -> World:
    load_scenario()
    users: dict[str, User | None] = {"anonymous": None}
    for role in ROLES[1:]:
        # No password: hashing one costs more than the whole walk of a URL.
        user = User.objects.create_user(role, is_staff=True, is_superuser=role == "superuser")
        if role in (REVIEWER, CURATOR):
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
    victim = User.objects.create_user("victim")
    measure = Measure.objects.order_by("pk").first()
    assert measure is not None
    make_status_change(measure=measure)
    make_membership()
    make_source()  # one that nothing cites, so that deleting it is allowed
    SavedFilter.objects.create(
        name="Shared",
        query="kind=state",
        content_type=ContentType.objects.get_for_model(Actor),
        owner=None,
    )
    issue_token(users["curator"], name="walker", read_only=False)
    superuser = users["superuser"]
    assert superuser is not None
    subscription = Subscription.objects.create(
        owner=superuser,
        target_url="http://93.184.216.34/hook",  # a public address: no name to resolve
        resources=["measures"],
        actions=["created"],
    )
    Delivery.objects.create(
        subscription=subscription, change={"resource": "measures", "key": "1", "action": "created"}
    )
    objects: dict[type[Model], Model] = {}
    for model in (route.model for route in admin_routes()):
        if model is None or model in objects:
            continue
        instance = every_row(model).order_by("-pk").first()
        if instance is not None:
            objects[model] = instance
    objects[User] = victim
    return World(users, objects, victim)


def route_values(route: AdminRoute, world: World) -> dict[str, str]:
    model = route.model
    instance = world.objects.get(model) if model is not None else None
    values = {
        "app_label": "actors",
        "id": str(world.victim.pk),
        "content_type_id": str(ContentType.objects.get_for_model(Actor).pk),
        "object_id": str(instance.pk if instance is not None else Actor.objects.first().pk),  # type: ignore[union-attr]
        "version_id": "0",
    }
    history = getattr(model, "history", None)
    if instance is not None and history is not None:
        version = history.filter(pk=instance.pk).order_by("history_id").first()
        if version is not None:
            values["version_id"] = str(version.history_id)
    return values


def changed_export(model: type[Model], instance: Model, superuser: User) -> SimpleUploadedFile:
    """The instance as the admin exports it, one text cell changed: a real import."""
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin: Any = admin.site.get_model_admin(model)
    resource = model_admin.get_import_resource_classes(request)[0]()
    dataset = resource.export(queryset=every_row(model).filter(pk=instance.pk))
    for column, change in EDITABLE_COLUMNS.items():
        if column in dataset.headers:
            index = dataset.headers.index(column)
            row = list(dataset[0])
            row[index] = change(row[index])
            dataset[0] = tuple(row)
            break
    return SimpleUploadedFile(f"{model._meta.model_name}.csv", dataset.csv.encode())


Payload = Callable[[], dict[str, Any]]


def post_payloads(route: AdminRoute, url: str, world: World, superuser: Client) -> list[Payload]:
    """The POST bodies worth sending to this URL, each built afresh per request."""
    page = superuser.get(url)
    fields = form_fields(page.content.decode()) if page.status_code == 200 else {}
    payloads: list[Payload] = [lambda: dict(fields)]
    su = world.users["superuser"]
    assert su is not None
    model, instance = route.model, world.objects.get(route.model)  # type: ignore[arg-type]
    if route.name and route.name.endswith("_changelist") and model is not None:
        selected = [str(pk) for pk in every_row(model).values_list("pk", flat=True)]

        def run(action: str) -> Payload:
            # Confirmed at once: delete_selected's "post", a merge's "apply".
            return lambda: {
                "action": action,
                "_selected_action": selected,
                "index": "0",
                "post": "yes",
                "apply": "1",
                "survivor": selected[0],
                "format": "0",
            }

        payloads.extend(run(action) for action in fields.get("action", []) if action)
    elif route.route.endswith("saved-filters/"):
        payloads.append(lambda: {"name": "Mine", "query": "kind=state", "shared": "on"})
    elif route.name == "auth_user_password_change":
        new = "another-long-password-42"
        payloads.append(lambda: {"password1": new, "password2": new, "usable_password": "true"})
    elif route.route.endswith("/import/") and model is not None and instance is not None:
        payloads.append(
            lambda: {**fields, "format": "0", "import_file": changed_export(model, instance, su)}
        )
    elif route.route.endswith("/process_import/") and model is not None and instance is not None:
        import_url = url.replace("/process_import/", "/import/")

        def confirmation() -> dict[str, Any]:
            preview = superuser.post(
                import_url, {"format": "0", "import_file": changed_export(model, instance, su)}
            )
            return form_fields(preview.content.decode())

        payloads.append(confirmation)
    return payloads


def required_permissions(model: type[Model], action: str) -> set[str]:
    """The permissions any one of which allows ``action`` (add, change, remove) on a row."""
    owner = owner_of(model)
    if owner is not model:  # history rows, many-to-many links, a measure's status changes
        return {f"{owner._meta.app_label}.{verb}_{owner._meta.model_name}" for verb in VERBS}
    verb = {"add": "add", "change": "change", "remove": "delete"}[action]
    return {f"{model._meta.app_label}.{verb}_{model._meta.model_name}"}


def owner_of(model: type[Model]) -> type[Model]:
    """The record a row belongs to: itself, or what it is the history or a link of."""
    while True:
        owner = PART_OF.get(model) or history_of(model) or model._meta.auto_created or None
        if owner is None:
            return model
        model = owner  # type: ignore[assignment]


VERBS = ("add", "change", "delete")


def history_of(model: type[Model]) -> type[Model] | None:
    """The model whose history this is: simple-history's versions and their links."""
    owner = getattr(model, "instance_type", None)
    if owner is None and any(field.name == "history" for field in model._meta.fields):
        owner = getattr(model._meta.get_field("history").related_model, "instance_type", None)
    return owner


def unauthorized(writes: Writes, user: User | None) -> list[str]:
    def allowed(model: type[Model], action: str) -> bool:
        return user is not None and any(
            user.has_perm(permission) for permission in required_permissions(model, action)
        )

    # Deleting a record deletes what hangs on it: allowed with the parent's permission.
    cascades = any(allowed(model, "remove") for model in writes.removed)
    problems = []
    for action, tally in (
        ("add", writes.added),
        ("change", writes.changed),
        ("remove", writes.removed),
    ):
        for model in tally:
            if not allowed(model, action) and not (action == "remove" and cascades):
                problems.append(f"{action} {tally[model]} {model._meta.label}")
    return problems


def send(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("route", admin_routes(), ids=lambda route: route.route)
def test_no_role_writes_through_the_admin_what_its_permissions_do_not_allow(
    route: AdminRoute,
) -> None:
    world = build_world()
    url = fill_route(route.route, route_values(route, world))
    superuser = Client()
    superuser.force_login(world.users["superuser"])  # type: ignore[arg-type]
    payloads = post_payloads(route, url, world, superuser)
    before: Snapshot = snapshot()
    anyone_wrote = False
    for role in ROLES:
        user = world.users[role]
        client = Client()
        if user is not None:
            client.force_login(user)
        for method in METHODS:
            for payload in payloads if method == "POST" else payloads[:1]:
                with CaptureQueriesContext(connection) as queries:
                    response = send(client, method, url, payload())
                assert response.status_code < 500, f"{role} {method} {url}"
                if user is None and route.route not in ("login/", "logout/"):
                    assert response.status_code in (302, 405), f"{method} {url}"
                    if response.status_code == 302:
                        assert "/admin/login/" in response["Location"]
                if not any(WRITE_SQL.match(query["sql"]) for query in queries):
                    continue  # nothing written: no need to compare every table
                after = snapshot()
                writes = writes_between(before, after)
                problems = unauthorized(writes, user)
                assert not problems, f"{role} {method} {url} wrote: {', '.join(problems)}"
                if writes:
                    anyone_wrote = True
                before = after
    # The bodies are real: a change form or an import confirmation sent back
    # as it is writes (an edit stamps the record's updated_at) for those allowed to.
    model = route.model
    if route.name and route.name.endswith(("_change", "_process_import")) and model is not None:
        request = RequestFactory().get("/")
        request.user = world.users["superuser"] or AnonymousUser()
        stamped = any(field.name == "updated_at" for field in model._meta.fields)
        if stamped and admin.site.get_model_admin(model).has_change_permission(request):
            assert anyone_wrote, f"no POST to {url} wrote anything"


def test_the_walk_covers_every_admin_view() -> None:
    names = {route.name for route in admin_routes()}
    for expected in (
        "actors_actor_import",
        "actors_actor_process_import",
        "actors_actor_simple_history",
        "responses_measure_transition",
        "responses_source_save_filters",
        "savedfilters_savedfilter_change",
        "accounts_servicetoken_add",
    ):
        assert expected in names
    assert reverse("admin:index") == "/admin/"
