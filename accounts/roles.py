"""The roles people and services are given: groups of model permissions.

Migrations create and extend the groups with these helpers, so a fresh
database and an old one end up with the same roles. The helpers take the
migration's historical ``apps`` and create any permission that does not exist
yet: on a fresh database Django only creates permissions after the last
migration has run, too late for a data migration that grants them.

A later migration grants more (the view permissions of history models, say)
with ``grant(apps, "reviewer", ["app_label.view_model", ...])`` and takes them
back in its reverse with ``revoke``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

CURATOR = "curator"
REVIEWER = "reviewer"


def _permission(apps: Any, dotted: str) -> Any:
    """The permission ``app_label.codename``, created if Django has not made it yet."""
    app_label, codename = dotted.split(".")
    action, _, model_name = codename.partition("_")
    model = apps.get_model(app_label, model_name)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label=app_label, model=model._meta.model_name
    )
    # The name Django itself gives its default permissions, so the post-migrate
    # step that creates permissions finds this one and leaves it as it is.
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
    )
    return permission


def grant(apps: Any, group_name: str, permissions: Iterable[str]) -> None:
    """Give the group (created if missing) the permissions named ``app_label.codename``."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*(_permission(apps, dotted) for dotted in permissions))


def revoke(apps: Any, group_name: str, permissions: Iterable[str]) -> None:
    """Take the permissions back from the group, if it exists."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        return
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


def remove_group(apps: Any, group_name: str) -> None:
    """Delete the group; its members simply stop belonging to it."""
    apps.get_model("auth", "Group").objects.filter(name=group_name).delete()


def model_permissions(app_label: str, models: Iterable[str], actions: Iterable[str]) -> list[str]:
    """``["actors.add_actor", "actors.change_actor", ...]`` for each model and action."""
    actions = tuple(actions)
    return [f"{app_label}.{action}_{model}" for model in models for action in actions]
