"""Helpers for walking the admin: its URLs, its forms, and what a request wrote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db.models import Model, QuerySet
from django.urls import URLPattern, URLResolver

from responses.models import Change

# Rows every request may write whoever sends it: the admin's log and the
# API's change feed (each records a write that is itself checked), sign-in
# sessions, and the record of failed sign-ins that login protection keeps.
UNCHECKED_MODELS: tuple[type[Model], ...] = (LogEntry, Change, Session)
UNCHECKED_APPS = frozenset({"axes"})
# A sign-in stamps the user's row with its time.
UNCHECKED_COLUMNS: dict[type[Model], frozenset[str]] = {User: frozenset({"last_login"})}


@dataclass(frozen=True)
class AdminRoute:
    """One admin URL pattern, with its path as the resolver spells it."""

    route: str
    name: str | None

    @property
    def model(self) -> type[Model] | None:
        """The model a ``app_label/model_name/...`` route belongs to, if registered."""
        parts = self.route.split("/")
        if len(parts) < 3:
            return None
        try:
            model = apps.get_model(parts[0], parts[1])
        except (LookupError, ValueError):
            return None
        return model if admin.site.is_registered(model) else None


def admin_routes() -> list[AdminRoute]:
    """Every URL pattern of the admin site, from its resolver."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[AdminRoute]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield AdminRoute(prefix + str(pattern.pattern), pattern.name)

    return list(walk(admin.site.urls[0], ""))


# How each parameter of an admin route is filled in, keyed by its spelling.
ROUTE_PARAMETERS = (
    (re.compile(r"\^\(\[\^/\]\+\)/history/\(\[\^/\]\+\)/\$$"), "{object_id}/history/{version_id}/"),
    (re.compile(r"\^\(\?P<app_label>[^)]*\)/\$$"), "{app_label}/"),
    (re.compile(r"\(\?P<url>\.\*\)\$$"), "no/such/page/"),
    (re.compile(r"<(?:\w+:)?(\w+)>"), r"{\1}"),
)


def fill_route(route: str, values: dict[str, str]) -> str:
    for pattern, replacement in ROUTE_PARAMETERS:
        route = pattern.sub(replacement, route)
    return "/admin/" + route.format(**values)


class FormFields(HTMLParser):
    """The fields of a page's POST forms, with the values a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_post_form = False
        self.select: str | None = None
        self.select_options: list[str] = []
        self.select_chosen: list[str] = []
        self.multiple = False
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.in_post_form = attributes.get("method", "").lower() == "post"
        if not self.in_post_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            if kind in {"file", "submit", "button", "image", "reset"}:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self.data.setdefault(name, []).append(attributes.get("value", default))
        elif tag == "select" and name:
            self.select, self.select_options, self.select_chosen = name, [], []
            self.multiple = "multiple" in attributes
        elif tag == "option" and self.select is not None:
            value = attributes.get("value", "")
            self.select_options.append(value)
            if "selected" in attributes:
                self.select_chosen.append(value)
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_post_form = False
        elif tag == "select" and self.select is not None:
            chosen = self.select_chosen or ([] if self.multiple else self.select_options[:1])
            self.data.setdefault(self.select, []).extend(chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.setdefault(self.textarea, []).append(self.text.lstrip("\n"))
            self.textarea = None


def form_fields(html: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(html)
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def every_row(model: type[Model]) -> QuerySet[Model]:
    manager = model._meta.default_manager
    assert manager is not None
    return manager.all()


Snapshot = dict[type[Model], dict[Any, tuple[Any, ...]]]


def snapshot() -> Snapshot:
    """Every row of every checked table, by primary key."""
    rows: Snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        if model in UNCHECKED_MODELS or model._meta.app_label in UNCHECKED_APPS:
            continue
        skipped = UNCHECKED_COLUMNS.get(model, frozenset())
        columns = [
            field.attname for field in model._meta.concrete_fields if field.name not in skipped
        ]
        rows[model] = {
            row[0]: row for row in every_row(model).order_by("pk").values_list("pk", *columns)
        }
    return rows


@dataclass
class Writes:
    added: dict[type[Model], int]
    changed: dict[type[Model], int]
    removed: dict[type[Model], int]

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def writes_between(before: Snapshot, after: Snapshot) -> Writes:
    writes = Writes({}, {}, {})
    for model, old in before.items():
        new = after[model]
        added = len(new.keys() - old.keys())
        removed = len(old.keys() - new.keys())
        changed = sum(1 for key in old.keys() & new.keys() if old[key] != new[key])
        for count, tally in ((added, writes.added), (removed, writes.removed)):
            if count:
                tally[model] = count
        if changed:
            writes.changed[model] = changed
    return writes
