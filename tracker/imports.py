"""What every admin import shares: validation by the model, and all-or-nothing writes.

django-import-export gives the admin its import and export (CSV, JSON, XLSX)
with a dry run that previews which rows would be created, updated or
rejected. Rows are validated by the models' own rules (``full_clean``), and a
confirmed import runs in one transaction, so a file with a bad row cannot be
confirmed and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from import_export import resources, widgets
from import_export.formats.base_formats import CSV, JSON, XLSX

from tracker.api.csv import from_spreadsheet_text, spreadsheet_text
from tracker.limits import LIST_LIMITS, too_many_message

IMPORT_EXPORT_FORMATS = [CSV, JSON, XLSX]
SEPARATOR = "|"


class ListWidget(widgets.Widget):
    """A list of strings as one cell, items joined with ``|`` (aliases, impacts)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, list):
            return [str(item).strip() for item in value if str(item).strip()]
        return [item.strip() for item in str(value).split(SEPARATOR) if item.strip()]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return SEPARATOR.join(value or [])


class ValidatedResource(resources.ModelResource):
    """Runs the model's validation on every row; ``required_many`` lists M2M fields
    that need at least one value (every claim cites a source).

    Exports are opened in spreadsheets, so text that a spreadsheet would run as a
    formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading
    apostrophe in every format, as in the API's CSV; an import takes it off again.
    """

    required_many: tuple[str, ...] = ()

    def export_field(self, field: Any, instance: Model, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        return spreadsheet_text(value) if isinstance(value, str) else value

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = from_spreadsheet_text(value)

    def import_instance(self, instance: Model, row: Any, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        # Before the many-to-many cells are looked up (below, and when saved).
        errors = self.long_lists(row)
        for name in self.required_many:
            field = self.fields[name]
            if name not in errors and not field.clean(row, **kwargs):
                errors[name] = ValidationError(
                    f"Give at least one value in the {field.column_name} column."
                )
        if errors:
            raise ValidationError(errors)

    def long_lists(self, row: Any) -> dict[str, ValidationError]:
        """The API's bounds on lists, counted in the row's cells."""
        errors = {}
        for field in self.get_import_fields():
            limit = LIST_LIMITS.get(field.attribute or "")
            value = row.get(field.column_name) if limit is not None else None
            if limit is None or value in (None, ""):
                continue
            items = value if isinstance(value, list) else str(value).split(SEPARATOR)
            if sum(1 for item in items if str(item).strip()) > limit:
                errors[str(field.attribute)] = ValidationError(
                    f"{too_many_message(limit)} Column: {field.column_name}.", code="max_length"
                )
        return errors

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
