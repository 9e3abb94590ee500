"""Admin for actors and memberships."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from actors.choices import ORGANIZATION_KINDS, ActorKind
from actors.merge import merge_actors
from actors.models import Actor, Membership
from actors.resources import ActorResource, MembershipResource
from savedfilters.admin import SavedFiltersMixin
from tracker.admin import CuratedAdmin, ImportExportAdmin, SlugListFilter

# Autocomplete lookups that only make sense for some kinds of actor, keyed by
# the (app_label, model_name, field_name) the autocomplete view is asked for.
# The models still validate the choice; this only keeps wrong actors out of
# the dropdown.
AUTOCOMPLETE_KINDS: dict[tuple[str, str, str], frozenset[str]] = {
    ("responses", "position", "speaker"): frozenset({ActorKind.PERSON}),
    ("actors", "membership", "organization"): ORGANIZATION_KINDS,
}


class AliasesField(forms.Field):
    """Edits a list of names as one name per line."""

    widget = forms.Textarea(attrs={"rows": 4, "cols": 40})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        if value in self.empty_values:
            return []
        # Blank lines are layout, not aliases; duplicates are left for the
        # model's validator to report.
        return [line.strip() for line in str(value).splitlines() if line.strip()]


class ActorAdminForm(forms.ModelForm):
    aliases = AliasesField(
        required=False,
        help_text="Other names the actor is known by, one per line (U.N., United Nations).",
    )

    class Meta:
        model = Actor
        fields = (
            "name",
            "short_name",
            "slug",
            "kind",
            "country",
            "parent",
            "aliases",
            "wikidata_id",
            "description",
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    fields = ("organization", "started_on", "ended_on")
    autocomplete_fields = ("organization",)
    extra = 0
    verbose_name = "membership"
    verbose_name_plural = "member of"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("organization")


@admin.register(Actor)
class ActorAdmin(SavedFiltersMixin, CuratedAdmin):
    resource_classes = (ActorResource,)
    actions = ("merge_selected",)
    form = ActorAdminForm
    list_display = ("name", "short_name", "slug", "kind", "country", "parent", "updated_at")
    list_filter = ("kind", "country")
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "slug", "aliases", "wikidata_id")
    search_help_text = "Search by name, short name, slug, alias or Wikidata id."
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "kind", "country", "parent")}),
        ("Identification", {"fields": ("aliases", "wikidata_id", "description")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (MembershipInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Actor]:
        return super().get_queryset(request).select_related("parent")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Actor], search_term: str
    ) -> tuple[QuerySet[Actor], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        lookup = (
            request.GET.get("app_label", ""),
            request.GET.get("model_name", ""),
            request.GET.get("field_name", ""),
        )
        kinds = AUTOCOMPLETE_KINDS.get(lookup)
        if kinds is not None:
            queryset = queryset.filter(kind__in=kinds)
        return queryset, may_have_duplicates

    @admin.action(description="Merge selected actors into one", permissions=["change"])
    def merge_selected(
        self, request: HttpRequest, queryset: QuerySet[Actor]
    ) -> HttpResponse | None:
        actors = list(queryset.order_by("name"))
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors to merge.", messages.WARNING)
            return None
        if "apply" in request.POST:
            survivor = next(
                (actor for actor in actors if str(actor.pk) == request.POST.get("survivor")), None
            )
            if survivor is None:
                self.message_user(request, "Choose the actor to keep.", messages.ERROR)
                return None
            try:
                report = merge_actors(survivor, actors)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.log_change(request, survivor, report.summary())
            self.message_user(request, report.summary(), messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/actors/actor/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": "Merge actors",
                "opts": self.opts,
                "actors": actors,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Membership)
class MembershipAdmin(SavedFiltersMixin, ImportExportAdmin):
    resource_classes = (MembershipResource,)
    list_display = ("member", "organization", "started_on", "ended_on")
    list_filter = (("organization", SlugListFilter),)
    list_select_related = ("member", "organization")
    search_fields = ("member__name", "member__short_name", "organization__name")
    autocomplete_fields = ("member", "organization")
    readonly_fields = ("created_at", "updated_at")
    fields = ("member", "organization", "started_on", "ended_on", "created_at", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("member", "organization")
