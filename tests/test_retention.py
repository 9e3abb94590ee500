"""Old change feed entries and old versions are deleted on schedule, and nobody is misled."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from actors.models import Actor
from responses.models import Change, Position
from tests.factories import make_actor, make_position, make_source
from tests.openapi import committed_schema

pytestmark = pytest.mark.django_db

FEED = reverse("api:change-list")
SCHEMA = Path(__file__).resolve().parent.parent / "openapi.yaml"


def run(command: str, *arguments: str) -> str:
    out = StringIO()
    call_command(command, *arguments, stdout=out)
    return out.getvalue()


def age(queryset: object, days: int, field: str) -> None:
    queryset.update(**{field: timezone.now() - timedelta(days=days)})  # type: ignore[attr-defined]


def test_old_feed_entries_go_and_a_client_behind_them_is_told(api_client: APIClient) -> None:
    for _ in range(3):
        make_source()
    old = list(Change.objects.order_by("id"))
    age(Change.objects.filter(id__in=[change.id for change in old]), 100, "changed_at")
    make_source()  # a recent entry, kept
    assert "Deleted 3 change feed entries older than 90 days" in run("purge_changes")
    through = old[-1].id

    behind = api_client.get(FEED, {"since": str(old[0].id)})
    assert behind.status_code == 410
    error = behind.json()["errors"][0]
    assert error["code"] == "behind_retention"
    assert f"from since={through}" in error["detail"]
    assert "Copy the records again" in error["detail"]
    # From the start too: a new mirror reading since=0 would miss what was deleted.
    assert api_client.get(FEED).status_code == 410

    caught_up = api_client.get(FEED, {"since": str(through)})
    assert caught_up.status_code == 200
    assert [row["action"] for row in caught_up.json()["results"]] == ["created"]


def test_a_dry_run_and_a_retention_of_zero_delete_nothing(api_client: APIClient) -> None:
    make_source()
    age(Change.objects.all(), 100, "changed_at")
    assert "Would delete 1 change feed entries" in run("purge_changes", "--dry-run")
    assert "kept for ever" in run("purge_changes", "--days", "0")
    assert Change.objects.count() == 1
    assert api_client.get(FEED).status_code == 200


def test_nothing_old_enough_leaves_the_feed_whole(api_client: APIClient) -> None:
    make_source()
    assert "No change feed entries older than 90 days" in run("purge_changes")
    assert len(api_client.get(FEED).json()["results"]) == 1


def test_old_versions_go_and_each_record_keeps_its_latest(curator_client: APIClient) -> None:
    quiet = make_actor(slug="quiet", name="Quiet")
    busy = make_actor(slug="busy", name="Busy")
    for name in ("Busy 2", "Busy 3"):
        assert (
            curator_client.patch(f"/api/v1/actors/{busy.slug}/", {"name": name}).status_code == 200
        )
    history = Actor.history.model
    age(history.objects.all(), 400, "history_date")
    assert (
        curator_client.patch(f"/api/v1/actors/{busy.slug}/", {"name": "Busy 4"}).status_code == 200
    )

    assert "Deleted 3 versions of actor records older than 365 days" in run("purge_history")
    # quiet: its only version, however old; busy: the new version only.
    kept = list(history.objects.order_by("id", "history_id").values_list("slug", "name"))
    assert kept == [("quiet", "Quiet"), ("busy", "Busy 4")]
    assert quiet.history.count() == 1


def test_an_old_record_keeps_its_history_page(admin_client: Client) -> None:
    actor = make_actor()
    age(Actor.history.model.objects.all(), 400, "history_date")
    run("purge_history")
    page = admin_client.get(reverse("admin:actors_actor_history", args=[actor.pk]))
    assert page.status_code == 200
    assert actor.name in page.content.decode()


def test_apply_retention_runs_every_rule() -> None:
    output = run("apply_retention")
    assert "expired idempotency keys" in output
    assert "change feed entries" in output
    assert "versions of actor records" in output
    assert "webhook deliveries" in output


def test_apply_retention_deletes_the_workers_old_finished_tasks() -> None:
    from django_tasks_db.models import DBTaskResult

    from webhooks.sending import send_pending

    old, recent = send_pending.enqueue(1).id, send_pending.enqueue(2).id
    now = timezone.now()
    DBTaskResult.objects.filter(pk=recent).update(status="SUCCESSFUL", finished_at=now)
    DBTaskResult.objects.filter(pk=old).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=15)
    )
    run("apply_retention")
    assert [str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)] == [recent]


def test_old_delivered_webhooks_go_and_pending_ones_stay() -> None:
    from django.contrib.auth.models import User

    from webhooks.models import Delivery, Subscription

    subscription = Subscription.objects.create(
        owner=User.objects.create_user("ivy"),
        target_url="https://hooks.example.org/",
        resources=["actors"],
        actions=["created"],
    )
    change = {"resource": "actors", "key": "x", "action": "created"}
    old, recent, waiting = (Delivery.objects.create(subscription=subscription, change=change)
                            for _ in range(3))  # fmt: skip
    now = timezone.now()
    Delivery.objects.filter(pk=old.pk).update(status="delivered", delivered_at=now - timedelta(91))
    Delivery.objects.filter(pk=recent.pk).update(status="delivered", delivered_at=now)
    Delivery.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(days=200))
    assert "Deleted 1 webhook deliveries" in run("purge_deliveries")
    assert set(Delivery.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert "kept for ever" in run("purge_deliveries", "--days", "0")


def test_the_schema_documents_the_feeds_410() -> None:
    schema = committed_schema()
    responses = schema["paths"]["/api/v1/changes/"]["get"]["responses"]
    assert "410" in responses
    assert "410" not in schema["paths"]["/api/v1/actors/"]["get"]["responses"]


def test_old_versions_go_with_the_sources_they_listed() -> None:
    position = make_position()
    for summary in ("Second", "Third"):
        position.summary = summary
        position.save()
    history = Position.history.model
    versions = history.objects.filter(id=position.pk).count()
    assert versions >= 3  # created, its sources listed, then saved twice
    age(history.objects.all(), 400, "history_date")
    assert f"Deleted {versions - 1} versions of position records" in run("purge_history")
    (kept,) = history.objects.filter(id=position.pk)
    assert kept.summary == "Third"
    # The kept version still lists the position's sources.
    assert [row.source_id for row in kept.sources.all()] == [
        source.pk for source in position.sources.all()
    ]
