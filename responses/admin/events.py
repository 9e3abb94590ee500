"""Admin for conflicts, events and positions, with the records edited inline on an event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from responses.forms import EventAdminForm, MeasureInlineForm
from responses.models import (
    Conflict,
    ConflictParty,
    Event,
    EventParticipant,
    EventRelation,
    Measure,
    Position,
)
from responses.resources import ConflictResource, EventResource, PositionResource
from savedfilters.admin import SavedFiltersMixin
from tracker.admin import CuratedAdmin, LargeTableAdmin, SlugListFilter, YearListFilter

TIMESTAMPS = ("created_at", "updated_at")
# The most positions or measures an event's page edits as rows: each row is
# four autocomplete boxes, which look their records up one by one.
INLINE_ROWS = 20


class ConflictPartyInline(admin.TabularInline):
    model = ConflictParty
    autocomplete_fields = ("actor",)
    extra = 0
    verbose_name = "party"
    verbose_name_plural = "parties"


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    autocomplete_fields = ("actor",)
    extra = 0
    verbose_name = "participant"
    verbose_name_plural = "participants"


class EventRelationInline(admin.TabularInline):
    model = EventRelation
    fk_name = "from_event"
    fields = ("relation", "to_event")
    autocomplete_fields = ("to_event",)
    extra = 0
    verbose_name = "related event"
    verbose_name_plural = "related events (this event follows or responds to)"


class PositionInline(admin.TabularInline):
    model = Position
    fields = ("actor", "speaker", "target", "stance", "cameo_code", "summary", "sources")
    autocomplete_fields = ("actor", "speaker", "target", "sources")
    show_change_link = True
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Position]:
        return super().get_queryset(request).select_related("actor", "event", "target")


class MeasureInline(admin.TabularInline):
    model = Measure
    form = MeasureInlineForm
    fields = ("actor", "kind", "target", "status", "announced_on", "sources")
    autocomplete_fields = ("actor", "target", "sources")
    show_change_link = True
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Measure]:
        return super().get_queryset(request).select_related("actor", "target")


@admin.register(Conflict)
class ConflictAdmin(SavedFiltersMixin, CuratedAdmin):
    resource_classes = (ConflictResource,)
    list_display = ("name", "slug", "started_on", "started_on_precision", "updated_at")
    list_filter = ("started_on_precision",)
    search_fields = ("name", "slug", "summary")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("sources",)
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("name", "slug", "started_on", "started_on_precision", "summary")}),
        ("Sources", {"fields": ("sources",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (ConflictPartyInline,)


@admin.register(Event)
class EventAdmin(SavedFiltersMixin, LargeTableAdmin, CuratedAdmin):
    resource_classes = (EventResource,)
    form = EventAdminForm
    list_display = (
        "title",
        "kind",
        "occurred_on",
        "occurred_on_precision",
        "location",
        "country",
        "initiator",
        "target",
        "conflict",
    )
    list_filter = (
        ("occurred_on", YearListFilter),
        "kind",
        "country",
        ("conflict", SlugListFilter),
        ("initiator", SlugListFilter),
        ("target", SlugListFilter),
    )
    list_select_related = ("conflict", "initiator", "target")
    # On PostgreSQL the search reads every word of the event (search_document);
    # elsewhere a title holds the place, and scanning summaries of 200,000
    # events twice (page and count) took most of a second.
    search_fields = ("title",)
    search_help_text = "Search by title or place (on PostgreSQL, any word of the event)."
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("conflict", "initiator", "target", "sources")
    readonly_fields = (*TIMESTAMPS, "busy_lists")
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "conflict")}),
        (
            "When and where",
            {"fields": ("occurred_on", "occurred_on_precision", "location", "country")},
        ),
        ("Who", {"fields": ("initiator", "target")}),
        ("What happened", {"fields": ("summary", "impacts", "fatalities", "injuries")}),
        ("Sources", {"fields": ("sources",)}),
        ("Responses", {"fields": ("busy_lists",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (
        EventParticipantInline,
        EventRelationInline,
        PositionInline,
        MeasureInline,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).select_related("conflict", "initiator", "target")

    def get_inlines(self, request: HttpRequest, obj: Event | None) -> Any:
        # A busy event has thousands of positions: as rows of a form that was
        # 3.6 MB and 28 s. Past a screenful, the page links to the lists.
        if obj is None:
            return self.inlines
        busy = {
            inline
            for inline, related in ((PositionInline, obj.positions), (MeasureInline, obj.measures))
            if related.all()[: INLINE_ROWS + 1].count() > INLINE_ROWS
        }
        return [inline for inline in self.inlines if inline not in busy]

    @admin.display(description="positions and measures")
    def busy_lists(self, obj: Event) -> str:
        if obj.pk is None:
            return "—"
        links = []
        for model, name in ((Position, "positions"), (Measure, "measures")):
            url = reverse(f"admin:responses_{model._meta.model_name}_changelist")
            count = getattr(obj, name).count()
            links.append(format_html('<a href="{}?event={}">{} {}</a>', url, obj.slug, count, name))
        return format_html_join(", ", "{}", ((link,) for link in links))


@admin.register(Position)
class PositionAdmin(SavedFiltersMixin, LargeTableAdmin, CuratedAdmin):
    resource_classes = (PositionResource,)
    list_display = ("actor", "stance", "event", "target", "stated_on", "speaker", "cameo_code")
    list_filter = (
        ("stated_on", YearListFilter),
        "stance",
        ("event", SlugListFilter),
        ("actor", SlugListFilter),
        ("target", SlugListFilter),
    )
    list_select_related = ("actor", "event", "target", "speaker")
    # On PostgreSQL the search reads every word (search_document); elsewhere
    # the names of who and what, matched in their own tables: summaries and
    # quotes of a million positions are a second to scan.
    search_fields = ("actor__name", "actor__short_name", "target__name", "event__title")
    search_help_text = (
        "Search by actor, target or event (on PostgreSQL, also the summary and quote)."
    )
    autocomplete_fields = ("actor", "speaker", "event", "target", "sources")
    readonly_fields = TIMESTAMPS
    fieldsets = (
        (None, {"fields": ("actor", "speaker", "event", "target")}),
        ("Statement", {"fields": ("stance", "cameo_code", "summary", "quote", "language")}),
        ("When", {"fields": ("stated_on", "stated_on_precision")}),
        ("Sources", {"fields": ("sources",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Position]:
        # The position's name shows its actor and event or target, in
        # autocomplete results and links as well as in the changelist.
        return super().get_queryset(request).select_related("actor", "event", "target", "speaker")
