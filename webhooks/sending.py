"""Sending a subscription's deliveries, in order, one at a time, until one fails.

``send_pending`` is a task (django-tasks, database backend): the worker
(``manage.py db_worker``) runs it, never a web request. A subscription's
queue is sent by one worker at a time: it takes a lease on the subscription
(an UPDATE that only one worker can win), so a later delivery never
overtakes an earlier one, and a worker that dies loses its lease when it
expires. A failed attempt leaves the delivery at the head of the queue, to be
tried again after a backoff that doubles each time (with jitter), until the
subscription has failed WEBHOOK_MAX_FAILURES times in a row and is paused.
"""

from __future__ import annotations

import random
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from webhooks import signing
from webhooks.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from webhooks.payloads import body_of
from webhooks.targets import TargetRefused, check_target

# Deliveries one task sends before it makes way for other subscriptions' tasks.
BATCH = 100


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: it could point anywhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirects)


@dataclass
class Outcome:
    status: int | None
    error: str

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(subscription: Subscription, delivery: Delivery, body: bytes) -> Outcome:
    try:
        check_target(subscription.target_url)
    except TargetRefused as refused:
        return Outcome(None, str(refused))
    timestamp = int(time.time())
    request = urllib.request.Request(
        subscription.target_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "response-tracker-webhooks/1",
            **signing.headers(subscription.secret, str(delivery.delivery_id), timestamp, body),
        },
    )
    try:
        with OPENER.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            # Only so much of the answer is read: its status is what counts.
            response.read(settings.WEBHOOK_MAX_RESPONSE_BYTES)
            return Outcome(response.status, "")
    except urllib.error.HTTPError as error:
        return Outcome(error.code, f"The receiver answered {error.code} {error.reason}.")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(None, f"No answer: {reason}.")


def backoff(attempts: int) -> timedelta:
    """Twice as long after each failure, capped, with jitter so retries spread out."""
    delay = min(
        settings.WEBHOOK_RETRY_MAX_SECONDS,
        settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1),
    )
    return timedelta(seconds=delay * random.uniform(0.5, 1.0))


def record(subscription: Subscription, delivery: Delivery, outcome: Outcome) -> None:
    """Note the attempt; on failure, schedule the retry, or pause after too many."""
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_response_status = outcome.status
    delivery.last_error = outcome.error
    # Only the lease holder changes the count, so it can be written as it is;
    # the status is left alone unless this pauses it (its owner may have, meanwhile).
    subscriptions = Subscription.objects.filter(pk=subscription.pk)
    with transaction.atomic():
        if outcome.delivered:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            delivery.save()
            subscriptions.update(failures_in_a_row=0)
            return
        failures = subscription.failures_in_a_row + 1
        delivery.next_attempt_at = now + backoff(delivery.attempts)
        delivery.save()
        if failures >= settings.WEBHOOK_MAX_FAILURES:
            subscriptions.filter(status=SubscriptionStatus.ACTIVE).update(
                failures_in_a_row=failures,
                status=SubscriptionStatus.FAILING,
                paused_reason=(
                    f"Paused after {failures} failed attempts in a row. The last, at "
                    f"{now:%Y-%m-%d %H:%M:%S} UTC, for delivery {delivery.delivery_id}: "
                    f"{outcome.error} Make the subscription active again to resume from "
                    "that delivery."
                ),
            )
            return
        subscriptions.update(failures_in_a_row=failures)
        send_pending.using(run_after=delivery.next_attempt_at).enqueue(subscription.pk)


def take_lease(subscription_id: int, holder: uuid.UUID) -> bool:
    now = timezone.now()
    # Long enough for one attempt; a worker that dies loses its lease this long after.
    lease = timedelta(seconds=2 * settings.WEBHOOK_TIMEOUT_SECONDS + 5)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_holder=holder)
    return bool(
        Subscription.objects.filter(free, pk=subscription_id).update(
            lease_holder=holder, lease_until=now + lease
        )
    )


def release_lease(subscription_id: int, holder: uuid.UUID) -> None:
    Subscription.objects.filter(pk=subscription_id, lease_holder=holder).update(
        lease_holder=None, lease_until=None
    )


def send_next(subscription_id: int, holder: uuid.UUID) -> bool:
    """Send the head of the queue if it is due; whether to go on with the next."""
    if not take_lease(subscription_id, holder):
        # Another worker is sending this queue. It may have looked at the queue
        # for the last time already: look again shortly.
        if Subscription.objects.filter(pk=subscription_id).exists():
            soon = timezone.now() + timedelta(seconds=1)
            send_pending.using(run_after=soon).enqueue(subscription_id)
        return False
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.status != SubscriptionStatus.ACTIVE:
        return False
    head = subscription.deliveries.filter(status=DeliveryStatus.PENDING).order_by("pk").first()
    if head is None or head.next_attempt_at > timezone.now():
        # Nothing to send, or the head waits for its retry, which is queued.
        return False
    try:
        body = body_of(head)
    except Exception as error:  # any cause: the owner is told, and it is retried
        head.body = ""
        record(subscription, head, Outcome(None, f"The body could not be made: {error!r}."))
        return False
    outcome = post(subscription, head, body)
    record(subscription, head, outcome)
    return outcome.delivered


@task()
def send_pending(subscription_id: int) -> int:
    """Send the subscription's pending deliveries in order; the number sent."""
    holder = uuid.uuid4()
    sent = 0
    try:
        while sent < BATCH and send_next(subscription_id, holder):
            sent += 1
    finally:
        release_lease(subscription_id, holder)
    if sent == BATCH:
        send_pending.enqueue(subscription_id)
    return sent
