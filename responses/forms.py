"""Forms for the curators' admin.

Model forms here only change how a field is edited; the rules stay in the
models (`clean()`, validators, constraints), which the admin runs through
`full_clean()` on every save.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.sites import AdminSite
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import ValidationError

from responses.choices import Impact, MeasureStatus
from responses.lifecycle import allowed_moves, describe_allowed_moves, transition_measure
from responses.models import Event, Measure, MeasureStatusChange, Source


class EventAdminForm(forms.ModelForm):
    # Impacts are stored as a JSON list; ticking boxes from the vocabulary
    # spares curators from typing JSON and misspelling impact names.
    impacts = forms.MultipleChoiceField(
        choices=Impact.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Event._meta.get_field("impacts").help_text,
    )

    class Meta:
        model = Event
        fields = (
            "title",
            "slug",
            "kind",
            "conflict",
            "occurred_on",
            "occurred_on_precision",
            "location",
            "country",
            "initiator",
            "target",
            "summary",
            "impacts",
            "fatalities",
            "injuries",
            "sources",
        )


class MeasureInlineForm(forms.ModelForm):
    """A measure row on its event: status is set when recorded, then frozen."""

    class Meta:
        model = Measure
        fields = ("actor", "kind", "target", "status", "announced_on", "sources")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "status" in self.fields:
            # Disabled, the field ignores whatever is posted and keeps the
            # stored status: later moves go through the transition form.
            self.fields["status"].disabled = True
            self.fields["status"].help_text = "Change it from the measure's page (Change status)."


class MeasureTransitionForm(forms.Form):
    """Moves one measure to another status through `transition_measure`."""

    to = forms.ChoiceField(
        label="New status",
        help_text="Only the moves the lifecycle allows from the current status are offered.",
    )
    on = forms.DateField(
        label="Date",
        required=False,
        widget=AdminDateWidget,
        help_text="When the change happened; leave empty when the source gives no date.",
    )
    source = forms.ModelChoiceField(queryset=Source.objects.all())  # see __init__
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Anything the next curator should know about the change.",
    )

    def __init__(self, *args: Any, measure: Measure, admin_site: AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        to_field = self.fields["to"]
        assert isinstance(to_field, forms.ChoiceField)
        to_field.choices = [
            (status, MeasureStatus(status).label) for status in allowed_moves(measure.status)
        ]
        # The default "Select a valid choice" does not say what would be valid.
        to_field.error_messages["invalid_choice"] = (
            f"Cannot move from {measure.status} to %(value)s. "
            f"{describe_allowed_moves(measure.status)}"
        )
        # Built here, not on the class: the autocomplete widget needs the
        # admin site to find its search URL.
        self.fields["source"] = forms.ModelChoiceField(
            queryset=Source.objects.all(),
            widget=AutocompleteSelect(MeasureStatusChange._meta.get_field("source"), admin_site),
            help_text="The source that reports the change.",
        )

    @property
    def can_move(self) -> bool:
        return bool(allowed_moves(self.measure.status))

    def save(self, *, user: Any) -> MeasureStatusChange | None:
        """Record the change, or add the service's refusal to the form's errors."""
        data = self.cleaned_data
        try:
            return transition_measure(
                self.measure,
                to=data["to"],
                source=data["source"],
                on=data["on"],
                note=data["note"],
                user=user,
            )
        except ValidationError as error:
            self._add_service_error(error)
            return None

    def _add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


class BulkTransitionForm(forms.Form):
    """Moves several measures to one status (each checked like a single move)."""

    to = forms.ChoiceField(label="New status", choices=MeasureStatus.choices)
    on = forms.DateField(
        label="Date",
        required=False,
        widget=AdminDateWidget,
        help_text="When the change happened; leave empty when the source gives no date.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))

    def __init__(self, *args: Any, admin_site: AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"] = forms.ModelChoiceField(
            queryset=Source.objects.all(),
            widget=AutocompleteSelect(MeasureStatusChange._meta.get_field("source"), admin_site),
            help_text="The source that reports the change.",
        )
