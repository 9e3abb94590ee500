"""What owners do to subscriptions and deliveries, from the API or the admin alike."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from webhooks.models import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from webhooks.sending import send_pending
from webhooks.signing import new_secret


def status_changed(subscription: Subscription, before: str | None) -> None:
    """After a save: a subscription made active again sends its queue from its head."""
    if subscription.status != SubscriptionStatus.ACTIVE or before == SubscriptionStatus.ACTIVE:
        return
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            failures_in_a_row=0, paused_reason=""
        )
        subscription.failures_in_a_row, subscription.paused_reason = 0, ""
        # The head's retry was for the receiver as it was; try it now.
        subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
            next_attempt_at=timezone.now()
        )
        send_pending.enqueue(subscription.pk)


def pause(subscription: Subscription) -> None:
    subscription.status = SubscriptionStatus.PAUSED
    subscription.paused_reason = "Paused by its owner."
    subscription.save(update_fields=["status", "paused_reason", "updated_at"])


def resume(subscription: Subscription) -> None:
    before = subscription.status
    subscription.status = SubscriptionStatus.ACTIVE
    subscription.save(update_fields=["status", "updated_at"])
    status_changed(subscription, before)


def replay(delivery: Delivery) -> None:
    """Send the delivery again, same id and body, as soon as its queue allows."""
    with transaction.atomic():
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        if delivery.subscription.status == SubscriptionStatus.ACTIVE:
            send_pending.enqueue(delivery.subscription_id)


def rotate_secret(subscription: Subscription) -> str:
    """A new secret, returned this once; deliveries are signed with it from now on."""
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription.secret
