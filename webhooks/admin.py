"""Subscriptions and deliveries in the admin: the API's rules, the API's owners."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from responses.models import ChangeAction
from webhooks import actions
from webhooks.models import Delivery, Subscription, owned
from webhooks.resources import RESOURCE_CHOICES


class SubscriptionForm(forms.ModelForm):
    """Resources and actions as boxes to tick; the model's clean() judges the rest."""

    target_url = forms.URLField(
        max_length=500,
        assume_scheme="https",
        help_text=Subscription._meta.get_field("target_url").help_text,
    )
    resources = forms.MultipleChoiceField(
        choices=RESOURCE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    actions = forms.MultipleChoiceField(
        choices=ChangeAction.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Subscription
        fields = ["target_url", "resources", "actions", "filters", "status"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["target_url", "resources", "actions", "status", "failures_in_a_row", "owner"]
    list_filter = ["status"]
    search_fields = ["target_url", "filters"]
    list_select_related = ["owner"]
    fields = [
        "target_url",
        "resources",
        "actions",
        "filters",
        "status",
        "paused_reason",
        "failures_in_a_row",
        "secret_hint",
        "owner",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [
        "paused_reason",
        "failures_in_a_row",
        "secret_hint",
        "owner",
        "created_at",
        "updated_at",
    ]
    actions = ["resume", "pause", "rotate_secret"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Subscription]:
        return owned(super().get_queryset(request), request.user, "owner")

    @admin.display(description="Secret")
    def secret_hint(self, subscription: Subscription) -> str:
        return subscription.secret_hint if subscription.pk else "Made when it is saved."

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        before = Subscription.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        if not change:
            obj.owner = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        actions.status_changed(obj, before)
        if not change:
            self.message_user(
                request,
                f"The subscription's secret, shown this once: {obj.secret}",
                messages.WARNING,
            )

    @admin.action(description="Make active (send what waits)", permissions=["change"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            actions.resume(subscription)
        self.message_user(request, f"{len(queryset)} made active.")

    @admin.action(description="Pause", permissions=["change"])
    def pause(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            actions.pause(subscription)
        self.message_user(request, f"{len(queryset)} paused.")

    @admin.action(description="Give a new secret", permissions=["change"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            secret = actions.rotate_secret(subscription)
            self.message_user(
                request,
                f"New secret for {subscription.target_url}, shown this once: {secret}",
                messages.WARNING,
            )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "__str__",
        "subscription",
        "status",
        "attempts",
        "last_response_status",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status"]
    search_fields = ["=delivery_id", "subscription__target_url"]
    list_select_related = ["subscription"]
    autocomplete_fields = ["subscription"]
    actions = ["replay"]
    # A delivery is a record of what happened: it is replayed, never edited.
    readonly_fields = [field.name for field in Delivery._meta.fields]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delivery]:
        return owned(super().get_queryset(request), request.user, "subscription__owner")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay (send again, same id and body)", permissions=["change"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        for delivery in queryset.select_related("subscription"):
            actions.replay(delivery)
        self.message_user(request, f"{len(queryset)} queued to be sent again.")
