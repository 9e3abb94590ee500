"""Subscriptions and their deliveries: each owner sees and manages their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webhooks import actions
from webhooks.api.serializers import (
    DeliverySerializer,
    NewSubscriptionSerializer,
    SecretSerializer,
    SubscriptionSerializer,
)
from webhooks.models import Delivery, DeliveryStatus, Subscription, owned


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, reads included: a subscription is nobody else's business."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class ChangePermissions(ModelPermissions):
    """For an action that changes a record it is POSTed to (a replay, a new secret)."""

    perms_map = {**ModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class SubscriptionViewSet(viewsets.ModelViewSet):
    """Webhook subscriptions: changes pushed, signed, to a URL of the owner's."""

    queryset = Subscription.objects.select_related("owner")
    serializer_class = SubscriptionSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["status"]

    def get_queryset(self) -> QuerySet[Subscription]:
        return owned(super().get_queryset(), self.request.user, "owner")

    def get_serializer_class(self) -> type[SubscriptionSerializer]:
        return NewSubscriptionSerializer if self.action == "create" else SubscriptionSerializer

    def perform_update(self, serializer: Any) -> None:
        before = serializer.instance.status
        subscription = serializer.save()
        actions.status_changed(subscription, before)

    @extend_schema(request=None, responses={200: SecretSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="rotate-secret",
        permission_classes=[ChangePermissions],
    )
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        """A new secret for the subscription, shown this once; the old one stops at once."""
        secret = actions.rotate_secret(self.get_object())
        return Response({"secret": secret})


class DeliveryFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=DeliveryStatus.choices, help_text="Pending or delivered.")
    ordering = filters.OrderingFilter(fields=["id"], help_text="id (oldest first) or -id.")

    class Meta:
        model = Delivery
        fields = ["subscription", "status"]


class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What was sent to each subscription, when, and how the receiver answered."""

    queryset = Delivery.objects.all()
    serializer_class = DeliverySerializer
    permission_classes = [ModelPermissions]
    filterset_class = DeliveryFilterSet

    def get_queryset(self) -> QuerySet[Delivery]:
        return owned(super().get_queryset(), self.request.user, "subscription__owner")

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"], permission_classes=[ChangePermissions])
    def replay(self, request: Request, pk: str | None = None) -> Response:
        """Send the delivery again (same id, same body), in its subscription's order."""
        delivery = self.get_object()
        actions.replay(delivery)
        serializer = self.get_serializer(delivery)
        return Response(serializer.data, status=status.HTTP_202_ACCEPTED)
