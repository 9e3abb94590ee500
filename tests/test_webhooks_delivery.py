"""Deliveries to a real receiver on loopback: signed, in order, retried, paused, replayed."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from responses.models import Measure
from tests.factories import make_actor, make_measure
from tests.receivers import Receiver, receiving, verified
from tests.webhook_helpers import work
from webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_RETRY_SECONDS = 0.05
    settings.WEBHOOK_RETRY_MAX_SECONDS = 0.2
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    settings.PUBLIC_BASE_URL = "http://testserver"


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user("ivy")


def subscription(owner: User, receiver: Receiver, **fields: Any) -> Subscription:
    fields.setdefault("resources", ["measures"])
    fields.setdefault("actions", ["created", "updated", "deleted"])
    made = Subscription(owner=owner, target_url=receiver.url, **fields)
    made.full_clean()
    made.save()
    return made


def test_a_change_is_posted_signed_with_the_record_as_the_api_shows_it(owner: User) -> None:
    with receiving() as receiver:
        subscribed = subscription(owner, receiver)
        measure = make_measure()
        work(until=lambda: len(receiver.received) >= 1)
    (received,) = receiver.received
    assert verified(subscribed.secret, received)
    assert not verified("whsec_" + "A" * 32, received)
    body = received.json
    delivery = Delivery.objects.get()
    assert body["id"] == received.headers["webhook-id"] == str(delivery.delivery_id)
    assert body["change"]["resource"] == "measures"
    assert body["change"]["action"] == "created"
    assert body["change"]["url"] == f"http://testserver/api/v1/measures/{measure.pk}/"
    assert body["record"] == APIClient().get(f"/api/v1/measures/{measure.pk}/").json()
    assert delivery.status == "delivered"
    assert delivery.attempts == 1


def test_only_the_changes_a_subscription_asks_for_are_sent(owner: User) -> None:
    union = make_actor(slug="european-union")
    with receiving() as receiver:
        subscription(owner, receiver, actions=["created"], filters="actor=european-union")
        wanted = make_measure(actor=union)
        make_measure()  # another actor's
        wanted.description = "Edited"
        wanted.save()  # an update: not asked for
        work()
    assert [body["change"]["id"] for body in receiver.bodies()] == [wanted.pk]


def test_a_rolled_back_change_is_never_delivered(owner: User) -> None:
    with receiving() as receiver:
        subscription(owner, receiver)
        queued = []

        def write_then_fail() -> None:
            with transaction.atomic():
                make_measure()
                queued.append(Delivery.objects.count())
                raise RuntimeError("the write fails after the change")

        with pytest.raises(RuntimeError):
            write_then_fail()
        assert queued == [1]
        assert not Delivery.objects.exists()
        assert not DBTaskResult.objects.exists()
        kept = make_measure()
        work(until=lambda: len(receiver.received) >= 1)
    assert [body["change"]["id"] for body in receiver.bodies()] == [kept.pk]


def test_deliveries_arrive_in_order_of_the_changes(owner: User) -> None:
    with receiving() as receiver:
        subscription(owner, receiver)
        measures = [make_measure() for _ in range(12)]
        for measure in measures[:4]:
            measure.delete()
        work(until=lambda: len(receiver.received) >= 16)
    changes = [body["change"] for body in receiver.bodies()]
    assert [int(change["cursor"]) for change in changes] == sorted(
        int(change["cursor"]) for change in changes
    )
    assert [change["action"] for change in changes][-4:] == ["deleted"] * 4
    assert receiver.bodies()[-1]["record"] is None


def test_errors_and_timeouts_are_retried_with_growing_waits(owner: User) -> None:
    answers = {0: 500, 1: 503, 2: 200, 3: 200}
    with receiving(
        answer=lambda n: answers.get(n, 200), delay=lambda n: 1.0 if n == 2 else 0
    ) as receiver:
        subscription(owner, receiver)
        first, second = make_measure(), make_measure()
        work(until=lambda: not Delivery.objects.filter(status="pending").exists())
    ids = [item.headers["webhook-id"] for item in receiver.received]
    one, two = (str(d.delivery_id) for d in Delivery.objects.order_by("pk"))
    # 500, 503, a timeout, then delivered: the same delivery, and only then the next.
    assert ids[:4] == [one, one, one, one]
    assert ids[4:] == [two]
    assert [body["change"]["id"] for body in receiver.bodies()] == [first.pk] * 4 + [second.pk]
    assert Delivery.objects.get(delivery_id=one).attempts == 4
    assert Subscription.objects.get().failures_in_a_row == 0


def test_a_subscription_that_keeps_failing_is_paused_and_says_why(
    owner: User, settings: Any, make_user: Callable[..., User]
) -> None:
    settings.WEBHOOK_MAX_FAILURES = 3
    failing = True
    with receiving(answer=lambda n: 500 if failing else 200) as receiver:
        subscribed = subscription(owner, receiver)
        make_measure()
        work(until=lambda: Subscription.objects.get().status == "failing")
        make_measure()  # queued while paused, sent after
        work()
        subscribed.refresh_from_db()
        assert len(receiver.received) == 3
        assert "3 failed attempts in a row" in subscribed.paused_reason
        assert "500" in subscribed.paused_reason
        failing = False
        client = APIClient()
        client.force_authenticate(owner)
        owner.user_permissions.add(
            *owner.user_permissions.model.objects.filter(content_type__app_label="webhooks")
        )
        owner_again = User.objects.get(pk=owner.pk)
        client.force_authenticate(owner_again)
        shown = client.get(f"/api/v1/subscriptions/{subscribed.pk}/").json()
        assert shown["status"] == "failing"
        assert shown["paused_reason"] == subscribed.paused_reason
        resumed = client.patch(
            f"/api/v1/subscriptions/{subscribed.pk}/", {"status": "active"}, format="json"
        )
        assert resumed.status_code == 200
        work(until=lambda: not Delivery.objects.filter(status="pending").exists())
    cursors = [int(body["change"]["cursor"]) for body in receiver.bodies()]
    assert len(set(cursors)) == 2
    assert cursors == sorted(cursors)


def test_a_delivery_is_replayed_with_the_same_id_and_body(owner: User) -> None:
    owner.user_permissions.add(
        *owner.user_permissions.model.objects.filter(content_type__app_label="webhooks")
    )
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=owner.pk))
    with receiving() as receiver:
        subscription(owner, receiver)
        make_measure()
        work(until=lambda: len(receiver.received) == 1)
        delivery = client.get("/api/v1/deliveries/").json()["results"][0]
        assert delivery["status"] == "delivered"
        replayed = client.post(delivery["url"] + "replay/")
        assert replayed.status_code == 202
        work(until=lambda: len(receiver.received) == 2)
    first, again = receiver.received
    assert first.body == again.body
    assert first.headers["webhook-id"] == again.headers["webhook-id"]
    assert Delivery.objects.get().attempts == 2


def test_a_target_that_turns_private_is_not_called(owner: User, settings: Any) -> None:
    with receiving() as receiver:
        subscription(owner, receiver)
        settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
        make_measure()
        work(until=lambda: Delivery.objects.get().attempts >= 1)
    assert receiver.received == []
    assert "public addresses" in Delivery.objects.get().last_error


def test_nothing_is_queued_for_a_paused_subscription(owner: User) -> None:
    with receiving() as receiver:
        subscription(owner, receiver, status="paused")
        make_measure()
        work()
    assert receiver.received == []
    assert not Delivery.objects.exists()
    assert Measure.objects.count() == 1


def test_records_loaded_in_bulk_are_delivered_as_saved_ones_are(
    owner: User, tmp_path: Path
) -> None:
    path = tmp_path / "actors.csv"
    path.write_text(
        "slug,name,kind\r\nnorway,Norway,state\r\nnato,NATO,military_alliance\r\n"
        "japan,Japan,state\r\n"
    )
    with receiving() as receiver:
        subscription(owner, receiver, resources=["actors"], filters="kind=state")
        call_command("import_records", str(path), "--type", "actor", stdout=io.StringIO())
        work(until=lambda: len(receiver.received) >= 2)
    shown = [(body["change"]["key"], body["record"]["name"]) for body in receiver.bodies()]
    assert shown == [("norway", "Norway"), ("japan", "Japan")]


def test_each_retry_waits_about_twice_as_long_as_the_one_before(owner: User, settings: Any) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 0.2
    settings.WEBHOOK_RETRY_MAX_SECONDS = 10
    waits = []
    with receiving(answer=lambda _n: 500) as receiver:
        subscription(owner, receiver)
        make_measure()
        for attempts in range(1, 4):

            def tried(times: int = attempts) -> bool:
                return Delivery.objects.get().attempts == times

            work(until=tried)
            delivery = Delivery.objects.get()
            assert delivery.last_attempt_at is not None
            waits.append((delivery.next_attempt_at - delivery.last_attempt_at).total_seconds())
    # Half to all of 0.2 s, then of 0.4 s, then of 0.8 s: jittered, never shorter.
    for wait, full in zip(waits, (0.2, 0.4, 0.8), strict=True):
        assert full / 2 <= wait <= full, waits
    assert len(receiver.received) == 3
