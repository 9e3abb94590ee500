"""Admin for measures, their status history and the status transition view."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from responses.admin.measure_actions import lapse_past_deadline, transition_measures
from responses.forms import MeasureTransitionForm
from responses.lifecycle import describe_allowed_moves
from responses.models import Measure, MeasureStatusChange
from responses.resources import MeasureResource
from savedfilters.admin import SavedFiltersMixin
from tracker.admin import CuratedAdmin, LargeTableAdmin, SlugListFilter, YearListFilter

TIMESTAMPS = ("created_at", "updated_at")


class MeasureStatusChangeInline(admin.TabularInline):
    """The lifecycle history: written only by transitions, so shown read-only."""

    model = MeasureStatusChange
    fields = ("from_status", "to_status", "changed_on", "source", "note", "recorded_by")
    readonly_fields = fields
    can_delete = False
    extra = 0
    verbose_name_plural = "status history"

    def get_queryset(self, request: HttpRequest) -> QuerySet[MeasureStatusChange]:
        return super().get_queryset(request).select_related("source", "recorded_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Measure)
class MeasureAdmin(SavedFiltersMixin, LargeTableAdmin, CuratedAdmin):
    resource_classes = (MeasureResource,)
    actions = (transition_measures, lapse_past_deadline)
    list_display = ("__str__", "kind", "status", "announced_on", "deadline", "event")
    list_filter = (
        ("announced_on", YearListFilter),
        "status",
        "kind",
        ("event", SlugListFilter),
        ("actor", SlugListFilter),
        ("target", SlugListFilter),
    )
    list_select_related = ("actor", "target", "event")
    search_fields = (
        "actor__name",
        "actor__short_name",
        "target__name",
        "event__title",
    )
    search_help_text = (
        "Search by actor, target or event (on PostgreSQL, also the description and condition)."
    )
    autocomplete_fields = ("actor", "target", "event", "position", "sources")
    fieldsets = (
        (None, {"fields": ("actor", "kind", "target", "status")}),
        ("Terms", {"fields": ("condition", "deadline", "amount", "currency", "description")}),
        ("Dates", {"fields": ("announced_on", "effective_on", "ended_on")}),
        ("Context", {"fields": ("event", "position")}),
        ("Sources", {"fields": ("sources",)}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )
    inlines = (MeasureStatusChangeInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Measure]:
        return super().get_queryset(request).select_related("actor", "target", "event")

    def get_readonly_fields(self, request: HttpRequest, obj: Measure | None = None) -> Any:
        # A new measure starts where its source says it stands; afterwards the
        # status moves only through a transition, which keeps the history.
        if obj is None:
            return TIMESTAMPS
        return (*TIMESTAMPS, "status")

    def get_deleted_objects(
        self, objs: Sequence[Measure] | QuerySet[Measure], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        # Status changes cannot be deleted on their own, but they go with
        # their measure; without this, nobody could delete a measure.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(MeasureStatusChange._meta.verbose_name))
        return deleted, model_count, perms_needed, protected

    def get_urls(self) -> list[URLPattern]:
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        measure = self.get_object(request, unquote(object_id))
        if measure is None:
            raise Http404(f"No measure with id {object_id}.")
        if not self.has_change_permission(request, measure):
            raise PermissionDenied
        change_url = reverse(
            f"{self.admin_site.name}:responses_measure_change", args=(quote(measure.pk),)
        )
        form = MeasureTransitionForm(
            request.POST if request.method == "POST" else None,
            measure=measure,
            admin_site=self.admin_site,
        )
        if request.method == "POST" and form.is_valid():
            from_status = measure.get_status_display()
            change = form.save(user=request.user)
            if change is not None:
                message = f"Moved from {from_status} to {change.get_to_status_display()}."
                self.log_change(request, measure, message)
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change status: {measure}",
            "opts": self.opts,
            "original": measure,
            "change_url": change_url,
            "form": form,
            # A plain form in the admin's fieldset markup, as Django's own
            # password change view does; the stubs only expect model forms.
            "adminform": helpers.AdminForm(
                form,  # type: ignore[arg-type]
                [(None, {"fields": list(form.fields)})],
                {},
            ),
            "allowed_moves": describe_allowed_moves(measure.status),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/responses/measure/transition.html", context)


@admin.register(MeasureStatusChange)
class MeasureStatusChangeAdmin(LargeTableAdmin):
    """Browse the lifecycle history; it is written only by transitions."""

    list_display = ("measure", "from_status", "to_status", "changed_on", "source", "recorded_by")
    list_filter = (("changed_on", YearListFilter), "to_status", "from_status")
    # The model's order (by measure) sorts every change by its measure's date
    # through a join: 2 s on SQLite at 140,000 changes. The newest first, by key.
    ordering = ("-id",)
    list_select_related = ("measure__actor", "measure__target", "source", "recorded_by")
    search_fields = ("measure__actor__name", "measure__target__name", "source__title", "note")
    fields = (
        "measure",
        "from_status",
        "to_status",
        "changed_on",
        "source",
        "note",
        "recorded_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
