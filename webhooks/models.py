"""Subscriptions to the change feed, and the deliveries made to them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from responses.models import ChangeAction
from webhooks.resources import RESOURCES, filter_errors
from webhooks.signing import new_secret
from webhooks.targets import TargetRefused, check_target


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    # Set by its owner: changes are not queued for it.
    PAUSED = "paused", "Paused by its owner"
    # Set after too many failed attempts in a row: changes still queue, none is
    # sent until the owner makes it active again.
    FAILING = "failing", "Paused after repeated failures"


class Subscription(models.Model):
    """A service that wants changes pushed to it, signed, at a URL of its own."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        help_text="Who made it; only they (and superusers) see it and its deliveries.",
    )
    target_url = models.URLField(
        max_length=500,
        help_text="Where deliveries are POSTed (http or https, never a private address).",
    )
    resources = models.JSONField(
        help_text='The resources whose changes it wants, such as ["measures"].',
    )
    actions = models.JSONField(
        help_text='The kinds of change it wants, such as ["created", "updated"].',
    )
    filters = models.CharField(
        max_length=500,
        blank=True,
        help_text=(
            "Only records the resource's list would give for this query string, such as "
            "actor=european-union&kind=sanctions. Needs exactly one resource."
        ),
    )
    secret = models.CharField(
        max_length=100,
        default=new_secret,
        help_text="Signs each delivery; shown in full once, when it is made.",
    )
    status = models.CharField(
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
        help_text="Active, paused by its owner, or paused after repeated failures.",
    )
    paused_reason = models.TextField(blank=True, help_text="Why deliveries stopped, when they did.")
    failures_in_a_row = models.PositiveIntegerField(
        default=0, help_text="Failed attempts since the last delivery that succeeded."
    )
    # Which worker is sending its queue, and until when (webhooks.sending).
    lease_holder = models.UUIDField(null=True, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubscriptionStatus.values),
                name="subscription_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(target_url__regex=r"^https?://"),
                name="subscription_target_http",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_url} ({', '.join(self.resources or [])})"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.target_url:
            try:
                check_target(self.target_url)
            except TargetRefused as refused:
                errors["target_url"] = [str(refused)]
        for name, allowed in (("resources", RESOURCES), ("actions", ChangeAction.values)):
            chosen = getattr(self, name)
            if not isinstance(chosen, list) or not chosen:
                errors[name] = [f"Name at least one of: {', '.join(allowed)}."]
            elif unknown := [str(item) for item in chosen if item not in allowed]:
                errors[name] = [f"Not one of {', '.join(allowed)}: {', '.join(unknown)}."]
            else:
                setattr(self, name, sorted(set(chosen), key=list(allowed).index))
        if self.filters and "resources" not in errors:
            if len(self.resources) != 1:
                errors["filters"] = ["Filters apply to one resource: name exactly one."]
            elif problems := filter_errors(self.resources[0], self.filters):
                errors["filters"] = problems
        if errors:
            raise ValidationError(errors)

    @property
    def secret_hint(self) -> str:
        """Enough of the secret to tell two apart, never enough to sign with."""
        return f"{self.secret[:6]}…{self.secret[-4:]}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"


class Delivery(models.Model):
    """One change, for one subscription: sent until the receiver answers 2xx."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Receivers drop duplicates by it: a retry or a replay sends the same id.
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The change feed's entry as it was made (the feed itself is purged).
    change = models.JSONField(help_text="The change feed's entry.")
    # The record as the API showed it when the delivery was first sent; kept,
    # so that a retry or a replay sends the same body.
    body = models.TextField(blank=True, help_text="The JSON body, once it is first sent.")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            # A subscription's queue: its pending deliveries, oldest first.
            models.Index(
                fields=["subscription", "id"],
                condition=models.Q(status="pending"),
                name="delivery_pending_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        change = self.change
        return f"{change.get('resource')} {change.get('key')} {change.get('action')}"


def owned(queryset: QuerySet[Any], user: Any, owner_path: str) -> QuerySet[Any]:
    """What ``user`` may see of ``queryset``: their own, or everything for a superuser.

    The API and the admin both ask this, so a subscription is nobody else's business.
    """
    if user.is_superuser:
        return queryset
    return queryset.filter(**{owner_path: user})
