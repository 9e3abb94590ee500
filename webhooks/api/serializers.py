"""Subscriptions and deliveries as the API shows them."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from responses.api.changes import ChangeSerializer
from responses.models import ChangeAction
from tracker.api.fields import IdentityField
from tracker.api.serializers import ValidatedModelSerializer
from webhooks.models import Delivery, Subscription, SubscriptionStatus
from webhooks.resources import RESOURCE_CHOICES


class SubscriptionSerializer(ValidatedModelSerializer):
    """A target URL, the changes it wants, and how its deliveries are going."""

    url = IdentityField(view_name="api:subscription-detail")
    owner = serializers.HiddenField(default=serializers.CurrentUserDefault())
    owned_by = serializers.CharField(
        source="owner.get_username", read_only=True, help_text="Who made it."
    )
    resources = serializers.ListField(
        child=serializers.ChoiceField(choices=RESOURCE_CHOICES),
        allow_empty=False,
        max_length=len(RESOURCE_CHOICES),
        help_text='The resources whose changes it wants, such as ["measures"].',
    )
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=ChangeAction.choices),
        allow_empty=False,
        max_length=len(ChangeAction.choices),
        help_text='The kinds of change it wants, such as ["created", "updated"].',
    )
    secret_hint = serializers.CharField(
        read_only=True, help_text="The secret's first and last characters, to tell it apart."
    )
    deliveries = serializers.SerializerMethodField(help_text="Its deliveries, newest first.")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "url",
            "target_url",
            "resources",
            "actions",
            "filters",
            "status",
            "paused_reason",
            "failures_in_a_row",
            "secret_hint",
            "owner",
            "owned_by",
            "deliveries",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["paused_reason", "failures_in_a_row", "created_at", "updated_at"]

    def get_deliveries(self, subscription: Subscription) -> str:
        request = self.context["request"]
        path = f"{reverse('api:delivery-list')}?subscription={subscription.pk}&ordering=-id"
        return str(request.build_absolute_uri(path))

    def validate_status(self, value: str) -> str:
        current = self.instance.status if isinstance(self.instance, Subscription) else None
        if value == SubscriptionStatus.FAILING and current != SubscriptionStatus.FAILING:
            raise serializers.ValidationError(
                "failing is set by the server after repeated failures; choose active or paused."
            )
        return value


class NewSubscriptionSerializer(SubscriptionSerializer):
    """A subscription just made: the only answer that shows its secret in full."""

    secret = serializers.CharField(
        read_only=True,
        help_text="Signs every delivery (see webhook-signature). Shown this once: keep it.",
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="The new secret, shown this once.")


class DeliveryPayloadSerializer(serializers.Serializer):
    """The JSON body POSTed to the target (docs/services.md, "Webhooks").

    Sent with the headers webhook-id (the delivery's id), webhook-timestamp
    (seconds since the epoch) and webhook-signature ("v1," and the base64
    HMAC-SHA256, keyed with the secret's bytes, of "{id}.{timestamp}.{body}").
    """

    id = serializers.UUIDField(help_text="The delivery's id: drop a delivery seen before.")
    subscription = serializers.IntegerField(help_text="The subscription's id.")
    change = ChangeSerializer(help_text="The change feed's entry.")
    record = serializers.JSONField(
        allow_null=True,
        help_text=(
            "The record as GET change.url answered when the delivery was first sent; "
            "null for a deletion."
        ),
    )


class DeliverySerializer(serializers.ModelSerializer):
    """One change sent (or to be sent) to one subscription."""

    url = IdentityField(view_name="api:delivery-detail")
    subscription: serializers.HyperlinkedRelatedField = serializers.HyperlinkedRelatedField(
        view_name="api:subscription-detail", read_only=True
    )
    body = serializers.SerializerMethodField(
        help_text="What was POSTed (null until the first attempt)."
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "url",
            "delivery_id",
            "subscription",
            "change",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_response_status",
            "last_error",
            "delivered_at",
            "created_at",
            "body",
        ]
        read_only_fields = fields

    @extend_schema_field(DeliveryPayloadSerializer(allow_null=True))
    def get_body(self, delivery: Delivery) -> dict[str, Any] | None:
        return json.loads(delivery.body) if delivery.body else None
