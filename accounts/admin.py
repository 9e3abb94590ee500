"""Service tokens in the admin: created with the key shown once, listed, revoked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from accounts.models import ServiceToken
from accounts.tokens import fill_in_secret

ACCESS_CHOICES = [
    ("read_only", "Read only: can read everything, write nothing"),
    ("read_write", "Read and write, within the permissions of its user"),
]


class ServiceTokenForm(forms.ModelForm):
    # Chosen explicitly on every token, so nobody grants writes by default.
    access = forms.ChoiceField(choices=ACCESS_CHOICES, widget=forms.RadioSelect)

    class Meta:
        model = ServiceToken
        fields = ("user", "name", "expiry")
        help_texts = {
            "user": "The account the token acts as: its groups and permissions apply.",
            "expiry": "Optional: after this moment the token no longer works.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The primary key is the digest, an empty string until the token is saved.
        if not self.instance._state.adding:
            self.fields["access"].initial = "read_only" if self.instance.read_only else "read_write"

    def save(self, commit: bool = True) -> ServiceToken:
        self.instance.read_only = self.cleaned_data["access"] == "read_only"
        return super().save(commit)


@admin.register(ServiceToken)
class ServiceTokenAdmin(admin.ModelAdmin):
    form = ServiceTokenForm
    list_display = ("name", "user", "access", "key_start", "created", "expiry", "created_by")
    list_filter = ("read_only",)
    list_select_related = ("user", "created_by")
    search_fields = ("name", "user__username", "token_key")
    search_help_text = "Search by name, user or the first characters of the key."
    autocomplete_fields = ("user",)
    actions = ("revoke",)

    @admin.display(description="starts with")
    def key_start(self, token: ServiceToken) -> str:
        return f"{token.token_key}…"

    def get_fields(self, request: HttpRequest, obj: ServiceToken | None = None) -> Any:
        if obj is None:
            return ("user", "name", "access", "expiry")
        return ("user", "name", "access", "expiry", "key_start", "created", "created_by")

    def get_readonly_fields(self, request: HttpRequest, obj: ServiceToken | None = None) -> Any:
        # A token keeps its user; to act as someone else, issue another token.
        if obj is None:
            return ()
        return ("user", "key_start", "created", "created_by")

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # revoking is the way to delete
        return actions

    @admin.action(description="Revoke the selected tokens", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ServiceToken]) -> None:
        self.log_deletions(request, queryset)
        count, _ = queryset.delete()
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)

    def save_model(
        self, request: HttpRequest, obj: ServiceToken, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            # Only a signed-in administrator reaches this form.
            assert isinstance(request.user, AbstractBaseUser)
            obj.created_by = request.user
            # Kept on the instance for response_add, never saved.
            obj.plaintext_key = fill_in_secret(obj)
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: ServiceToken, post_url_continue: str | None = None
    ) -> HttpResponse:
        # The key is shown on this page and nowhere else: not in a message (which
        # would travel in a cookie or the session), not in a redirect.
        context = {
            **self.admin_site.each_context(request),
            "title": "Copy the new token now",
            "opts": self.opts,
            "token": obj,
            "key": obj.plaintext_key,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/accounts/servicetoken/created.html", context)
