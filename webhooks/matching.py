"""Queueing a delivery for every subscription a change matches, in the change's transaction.

A change rolled back takes its deliveries with it; a change committed has
them, whatever happens to the worker or the receiver afterwards. The task
that sends them is queued in the same transaction (django-tasks' database
backend stores it as a row), so it too exists exactly when the change does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_save

from responses.api.changes import ChangeSerializer
from responses.models import Change, ChangeAction
from webhooks.models import Delivery, Subscription, SubscriptionStatus
from webhooks.resources import matching


def entry_of(change: Change) -> dict[str, Any]:
    """The change feed's entry, as /api/v1/changes/ shows it (url as a path, made
    absolute when the delivery is sent)."""
    return dict(ChangeSerializer(change).data)


def wanted(subscription: Subscription, changes: list[Change]) -> list[Change]:
    """The changes the subscription asks for, in order."""
    chosen = [
        change
        for change in changes
        if change.resource in subscription.resources and change.action in subscription.actions
    ]
    # A deleted record can no longer be matched: its deletion goes to every
    # subscription to the resource, which applies it if it holds the record.
    to_match = [change for change in chosen if change.action != ChangeAction.DELETED]
    if not subscription.filters or not to_match:
        return chosen
    (resource,) = subscription.resources
    matched = matching(resource, subscription.filters, {change.object_id for change in to_match})
    return [
        change
        for change in chosen
        if change.action == ChangeAction.DELETED or change.object_id in matched
    ]


def queue_deliveries_for(changes: Iterable[Change]) -> int:
    """Queue a delivery of each change to each subscription that wants it; how many.

    In the caller's transaction: the deliveries, and the tasks that send them,
    are committed or rolled back with the changes.
    """
    from webhooks.sending import send_pending

    changes = list(changes)
    listening = Subscription.objects.exclude(status=SubscriptionStatus.PAUSED)
    count = 0
    for subscription in listening:
        entries = [entry_of(change) for change in wanted(subscription, changes)]
        if not entries:
            continue
        Delivery.objects.bulk_create(
            Delivery(subscription=subscription, change=entry) for entry in entries
        )
        count += len(entries)
        # One task sends the whole queue. A failing subscription keeps its
        # queue, and sends it when it is made active again.
        if subscription.status == SubscriptionStatus.ACTIVE:
            send_pending.enqueue(subscription.pk)
    return count


def queue_deliveries(sender: type[Change], instance: Change, created: bool, **_: Any) -> None:
    if created:
        queue_deliveries_for([instance])


def connect() -> None:
    post_save.connect(queue_deliveries, sender=Change, dispatch_uid="webhooks-queue")
