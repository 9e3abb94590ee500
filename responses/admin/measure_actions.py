"""Bulk actions on measures: one status move for many, and lapsing past deadlines."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from responses.choices import MeasureStatus
from responses.forms import BulkTransitionForm
from responses.lifecycle import transition_measure
from responses.models import Measure

LAPSABLE = (MeasureStatus.THREATENED, MeasureStatus.PROPOSED)


class _Refused(Exception):
    def __init__(self, errors: list[str]) -> None:
        self.errors = errors


@admin.action(description="Change the status of selected measures", permissions=["change"])
def transition_measures(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Measure]
) -> HttpResponse | None:
    form = BulkTransitionForm(
        request.POST if "apply" in request.POST else None, admin_site=modeladmin.admin_site
    )
    measures = list(queryset.select_related("actor", "target"))
    errors: list[str] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            # All or none: one refused move undoes the others.
            with transaction.atomic():
                refused = []
                for measure in measures:
                    try:
                        transition_measure(
                            measure,
                            to=data["to"],
                            on=data["on"],
                            source=data["source"],
                            note=data["note"],
                            user=request.user,
                        )
                    except ValidationError as error:
                        refused.append(f"{measure}: {' '.join(error.messages)}")
                if refused:
                    raise _Refused(refused)
        except _Refused as refusal:
            errors = refusal.errors
        else:
            for measure in measures:
                modeladmin.log_change(request, measure, f"Moved to {data['to']}.")
            modeladmin.message_user(
                request, f"Moved {len(measures)} measures to {data['to']}.", messages.SUCCESS
            )
            return None
    return TemplateResponse(
        request,
        "admin/responses/measure/bulk_transition.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Change the status of measures",
            "opts": modeladmin.model._meta,
            "measures": measures,
            "form": form,
            "errors": errors,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(
    description="Mark threatened or proposed measures past their deadline as lapsed",
    permissions=["change"],
)
def lapse_past_deadline(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Measure]
) -> None:
    today: datetime.date = timezone.localdate()
    due = queryset.filter(status__in=LAPSABLE, deadline__lt=today).prefetch_related("sources")
    lapsed = 0
    for measure in due:
        source = min(measure.sources.all(), key=lambda source: source.pk, default=None)
        if source is None:
            continue
        transition_measure(
            measure,
            to=MeasureStatus.LAPSED,
            on=measure.deadline,
            source=source,
            note="The deadline passed without the measure being adopted.",
            user=request.user,
        )
        modeladmin.log_change(request, measure, "Lapsed: deadline passed.")
        lapsed += 1
    skipped = queryset.count() - lapsed
    modeladmin.message_user(
        request,
        f"Lapsed {lapsed} measures"
        + (f"; {skipped} were not threatened or proposed past a deadline." if skipped else "."),
        messages.SUCCESS if lapsed else messages.WARNING,
    )
